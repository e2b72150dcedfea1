"""Beat sweeper for product thumbnails whose task was lost while the broker was away."""

from django.db import migrations

NAME = "Make missing product thumbnails"


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_ten_minutes, _ = IntervalSchedule.objects.get_or_create(every=10, period="minutes")
    PeriodicTask.objects.update_or_create(
        name=NAME,
        defaults={
            "task": "catalog.make_missing_thumbnails",
            "interval": every_ten_minutes,
            "enabled": True,
        },
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("worker", "0001_schedules")]

    operations = [migrations.RunPython(create, remove)]
