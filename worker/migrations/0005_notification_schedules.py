"""Beat schedules of notifications: the outbox sweeper every minute (it publishes again what
waits, after Redis or a worker was away, and retries that are due), and every morning the
reminders and the payment check."""

from django.db import migrations

SWEEPER = ("Publish waiting notifications", "worker.sweep_outbox")
REMINDERS = ("Send order reminders", "orders.send_reminders", "0", "7")


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.update_or_create(
        name=SWEEPER[0], defaults={"task": SWEEPER[1], "interval": every_minute, "enabled": True}
    )
    name, task, minute, hour = REMINDERS
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute=minute,
        hour=hour,
        day_of_month="*",
        month_of_year="*",
        day_of_week="*",
        timezone="Asia/Pontianak",
    )
    PeriodicTask.objects.update_or_create(
        name=name, defaults={"task": task, "crontab": crontab, "enabled": True}
    )


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[SWEEPER[0], REMINDERS[0]]).delete()


class Migration(migrations.Migration):
    dependencies = [("worker", "0004_report_schedules")]

    operations = [migrations.RunPython(create, remove)]
