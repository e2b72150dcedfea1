"""Celery beat's schedules in the admin, audited like every other change."""

from django.contrib import admin
from django_celery_beat import admin as beat_admin
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)

from market.admin_mixins import AuditedAdminMixin


class PeriodicTaskAdmin(AuditedAdminMixin, beat_admin.PeriodicTaskAdmin):
    # Enabling and disabling in bulk writes with queryset.update(), which nothing audits:
    # each task is switched on or off in its own (audited) form instead.
    actions = ("run_tasks",)


admin.site.unregister(PeriodicTask)
admin.site.register(PeriodicTask, PeriodicTaskAdmin)
for model, beat_model_admin in (
    (ClockedSchedule, beat_admin.ClockedScheduleAdmin),
    (CrontabSchedule, beat_admin.CrontabScheduleAdmin),
    (SolarSchedule, beat_admin.SolarScheduleAdmin),
    (IntervalSchedule, beat_admin.IntervalScheduleAdmin),
):
    admin.site.unregister(model)
    admin.site.register(
        model, type(beat_model_admin.__name__, (AuditedAdminMixin, beat_model_admin), {})
    )
