"""Beat runs the worker heartbeat every 30 seconds, so /readyz knows a worker is alive."""

from django.db import migrations

NAME, TASK = "Worker heartbeat", "worker.heartbeat"


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every, _ = IntervalSchedule.objects.get_or_create(every=30, period="seconds")
    PeriodicTask.objects.update_or_create(
        name=NAME, defaults={"task": TASK, "interval": every, "enabled": True}
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("worker", "0005_notification_schedules")]

    operations = [migrations.RunPython(create, remove)]
