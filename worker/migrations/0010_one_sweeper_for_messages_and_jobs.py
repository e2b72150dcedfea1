"""Exports and thumbnails leave as jobs (market.Job) that the outbox's relay publishes and its
sweeper publishes again: their own sweepers go, the outbox's sweeper is named for both, and what
those sweepers would still have picked up (exports waiting, photos without a thumbnail) becomes a
job, so nothing waiting when this runs is lost."""

from django.db import migrations

RETIRED = {
    "Make missing product thumbnails": ("catalog.make_missing_thumbnails", 10, "minutes"),
    "Publish waiting exports": ("orders.publish_waiting_exports", 5, "minutes"),
}
SWEEPER_BEFORE, SWEEPER = "Publish waiting notifications", "Publish waiting messages and jobs"


def _rename_sweeper(PeriodicTask, old: str, new: str) -> None:
    if not PeriodicTask.objects.filter(name=new).exists():
        PeriodicTask.objects.filter(name=old).update(name=new)
    else:
        PeriodicTask.objects.filter(name=old).delete()


def one_sweeper(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=RETIRED).delete()
    _rename_sweeper(PeriodicTask, SWEEPER_BEFORE, SWEEPER)
    Job = apps.get_model("market", "Job")
    waiting = [
        *(
            Job(task="orders.write_export", object_id=pk)
            for pk in apps.get_model("orders", "Export")
            .objects.filter(status="pending")
            .values_list("pk", flat=True)
        ),
        *(
            Job(task="catalog.make_thumbnail", object_id=pk)
            for pk in apps.get_model("catalog", "ProductImage")
            .objects.filter(thumbnail="")
            .values_list("pk", flat=True)
        ),
    ]
    Job.objects.bulk_create(waiting, batch_size=500)


def sweepers_of_their_own(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, (task, every, period) in RETIRED.items():
        interval, _ = IntervalSchedule.objects.get_or_create(every=every, period=period)
        PeriodicTask.objects.update_or_create(
            name=name, defaults={"task": task, "interval": interval, "enabled": True}
        )
    _rename_sweeper(PeriodicTask, SWEEPER, SWEEPER_BEFORE)


class Migration(migrations.Migration):
    dependencies = [
        ("worker", "0009_audit_head_schedule"),
        ("market", "0011_background_jobs"),
        ("orders", "0011_order_line_unit_choices"),
        ("catalog", "0009_product_unit_labels"),
    ]

    operations = [migrations.RunPython(one_sweeper, sweepers_of_their_own)]
