"""Celery: the app, its tasks and the schedules kept in the database (django-celery-beat)."""

from worker.celery import app as celery_app

__all__ = ["celery_app"]
