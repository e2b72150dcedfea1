"""Background work: the tasks, the outbox's relay and sweeper, the channels, the jobs' runner
and the schedules kept in the database (django-celery-beat). The Celery app is the project's
(pasar.celery)."""
