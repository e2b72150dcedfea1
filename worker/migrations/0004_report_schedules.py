"""Beat schedules of the reports: nightly monthly snapshots; every morning, the month's reports
and (in a quarter's first month) the behind-pace alerts not sent yet: each goes once, and one
that could not be sent is tried again the next morning."""

from django.db import migrations

SCHEDULES = [
    # name, task, crontab minute, hour, day of month, month of year
    ("Refresh compliance snapshots", "procurement.refresh_compliance_snapshots", "30", "1", "*", "*"),
    ("Send the monthly reports", "procurement.send_monthly_reports", "0", "6", "*", "*"),
    ("Send behind-pace alerts", "procurement.send_quarter_alerts", "15", "6", "*", "1,4,7,10"),
]


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, minute, hour, day, month in SCHEDULES:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=minute,
            hour=hour,
            day_of_month=day,
            month_of_year=month,
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
    dependencies = [("worker", "0003_order_schedules")]

    operations = [migrations.RunPython(create, remove)]
