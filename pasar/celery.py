"""The Celery app: `celery -A pasar worker` runs a worker, `celery -A pasar beat` the beat."""

import os

from celery import Celery
from celery.signals import before_task_publish, task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pasar.settings")

app = Celery("pasar")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _connect_request_ids() -> None:
    """A request's id follows it into the tasks it starts (market.request_ids)."""
    from market import request_ids

    before_task_publish.connect(request_ids.carry_into_task, weak=False)
    task_prerun.connect(request_ids.take_up_in_task, weak=False)
    task_postrun.connect(request_ids.put_down_after_task, weak=False)


_connect_request_ids()
