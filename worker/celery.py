"""The Celery app: `celery -A worker worker` runs a worker, `celery -A worker beat` the beat."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "market.settings")

app = Celery("pasar")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
