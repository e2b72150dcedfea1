"""Background work in the admin: Celery beat's schedules, audited like every other change, and
the notifications, outbox and jobs, read-only but for sending a failed message, or running a
failed job, again."""

from django.contrib import admin, messages
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_celery_beat import admin as beat_admin
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)

from market.admin_mixins import AuditedAdminMixin, ReadOnlyAdminMixin
from market.models import Job, Notification, OutboxMessage
from worker.outbox import jobs_retry, outbox_retry


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


def _say_how_many(model_admin, request, said: str, count: int) -> None:
    """How many failed rows will go again (a warning when none could)."""
    model_admin.message_user(
        request, said % {"count": count}, messages.SUCCESS if count else messages.WARNING
    )


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "recipient", "kind", "object_type", "object_id", "read_at")
    list_filter = ("kind",)
    search_fields = ("recipient__username", "object_id", "kind")
    list_select_related = ("recipient",)
    date_hierarchy = "created_at"


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """What waits, went or failed; a failed message can be sent again (audited)."""

    change_form_template = "admin/worker/outboxmessage_change_form.html"
    list_display = (
        "pk",
        "created_at",
        "channel",
        "recipient",
        "kind",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
    )
    list_filter = ("status", "channel")
    search_fields = ("notification__recipient__username", "address", "last_error")
    list_select_related = ("notification__recipient",)
    actions = ("retry",)

    @admin.display(description=_("recipient"))
    def recipient(self, message):
        return message.notification.recipient

    @admin.display(description=_("kind"))
    def kind(self, message):
        return message.notification.kind

    @admin.action(description=_("Send the selected failed messages again"))
    def retry(self, request, queryset):
        count = outbox_retry(message_ids=queryset.values_list("pk", flat=True), by=request.user)
        said = ngettext(
            "%(count)d message will be sent again.", "%(count)d messages will be sent again.", count
        )
        _say_how_many(self, request, said, count)

    def get_urls(self):
        retry_one = self.admin_site.admin_view(self.retry_one)
        return [path("<int:pk>/retry/", retry_one, name="worker_outbox_retry"), *super().get_urls()]

    def retry_one(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        self.retry(request, OutboxMessage.objects.filter(pk=pk))
        return redirect("admin:market_outboxmessage_change", pk)


@admin.register(Job)
class JobAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """What waits, ran or failed in the background; a failed job can be run again (audited)."""

    list_display = (
        "pk",
        "created_at",
        "task",
        "object_id",
        "status",
        "attempts",
        "next_attempt_at",
        "finished_at",
        "last_error",
    )
    list_filter = ("status", "task")
    search_fields = ("task", "object_id", "last_error")
    actions = ("retry",)

    @admin.action(description=_("Run the selected failed jobs again"))
    def retry(self, request, queryset):
        count = jobs_retry(job_ids=queryset.values_list("pk", flat=True), by=request.user)
        said = ngettext("%(count)d job will run again.", "%(count)d jobs will run again.", count)
        _say_how_many(self, request, said, count)
