from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkerConfig(AppConfig):
    name = "worker"
    verbose_name = _("Background work")

    def ready(self):
        from celery.signals import worker_ready

        from worker.heartbeat import worker_heard

        # /readyz sees a worker as soon as one starts, not only at beat's next heartbeat.
        worker_ready.connect(lambda **kwargs: worker_heard(), weak=False)
