"""Beat signs the audit chain's head every 30 seconds, when it moved, so that at most the last
minute's events could be removed without verify_audit noticing."""

from django.db import migrations

NAME, TASK = "Sign the audit chain's head", "worker.sign_audit_head"


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
    dependencies = [("worker", "0008_expired_tokens_schedule")]

    operations = [migrations.RunPython(create, remove)]
