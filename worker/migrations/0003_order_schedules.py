"""Beat schedules of the orders app: expiring unanswered orders, placing standing orders."""

from django.db import migrations

SCHEDULES = [
    # name, task, crontab minute, hour
    ("Expire orders vendors did not answer", "orders.expire_unanswered", "5", "*"),
    ("Place standing orders", "orders.run_standing_orders", "30", "6"),
    ("Forget old idempotency keys", "orders.forget_old_idempotency_keys", "45", "3"),
]


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, minute, hour in SCHEDULES:
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
    PeriodicTask.objects.filter(name__in=[name for name, *_ in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("worker", "0002_thumbnail_sweeper")]

    operations = [migrations.RunPython(create, remove)]
