"""Beat publishes, every five minutes, exports whose task never reached the broker."""

from django.db import migrations

NAME, TASK = "Publish waiting exports", "orders.publish_waiting_exports"


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every, _ = IntervalSchedule.objects.get_or_create(every=5, period="minutes")
    PeriodicTask.objects.update_or_create(
        name=NAME, defaults={"task": TASK, "interval": every, "enabled": True}
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("worker", "0006_heartbeat_schedule")]

    operations = [migrations.RunPython(create, remove)]
