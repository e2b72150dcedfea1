"""Beat deletes expired API tokens every night (audited), after the audit chain's check."""

from django.db import migrations

NAME, TASK = "Forget expired API tokens", "worker.forget_expired_tokens"


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    nightly, _ = CrontabSchedule.objects.get_or_create(
        minute="45",
        hour="2",
        day_of_month="*",
        month_of_year="*",
        day_of_week="*",
        timezone="Asia/Pontianak",
    )
    PeriodicTask.objects.update_or_create(
        name=NAME, defaults={"task": TASK, "crontab": nightly, "enabled": True}
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("worker", "0007_export_sweeper")]

    operations = [migrations.RunPython(create, remove)]
