"""The project's shell (README, "Map of the apps"). The Celery app is loaded with Django, so
that tasks sent from a web process use it (Celery's way with Django)."""

from pasar.celery import app as celery_app

__all__ = ["celery_app"]
