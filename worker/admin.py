"""Background work in the admin: Celery beat's schedules, audited like every other change; the
notifications, outbox and jobs, read-only but for sending a failed message, or running a
failed job, again; and every WhatsApp message sent and received, as its reader saw it."""

from django.contrib import admin, messages
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path
from django.utils.html import format_html, format_html_join
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
from worker.models import WhatsAppMessage
from worker.outbox import jobs_retry, outbox_retry
from worker.whatsapp_templates import described


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


@admin.register(WhatsAppMessage)
class WhatsAppMessageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The WhatsApp messages the app sent (templates with their buttons, replies, codes with the
    code hidden) and received (button taps, texts), with what became of each."""

    list_display = (
        "created_at",
        "direction",
        "kind",
        "person",
        "phone",
        "status",
        "order",
        "summary",
    )
    list_filter = ("direction", "status", "kind")
    search_fields = ("wamid", "reference", "phone", "person__username", "order__number")
    list_select_related = ("person", "order")
    date_hierarchy = "created_at"
    readonly_fields = ("as_read",)
    fields = (
        "as_read",
        "direction",
        "status",
        "created_at",
        "updated_at",
        "person",
        "phone",
        "order",
        "action",
        "kind",
        "reply",
        "error",
        "wamid",
        "reference",
        "body",
    )

    @admin.display(description=_("content"))
    def summary(self, message):
        if message.direction == "in":
            text = (message.body.get("button") or {}).get("text") or (
                message.body.get("text") or {}
            ).get("body", "")
            return text[:80]
        seen = described(message.body)
        return " · ".join([*seen["buttons"], seen["text"][:80]]) or ", ".join(seen["texts"])[:80]

    @admin.display(description=_("as read"))
    def as_read(self, message):
        if message.direction == "in":
            return format_html("<p>{}</p><p>→ {}</p>", self.summary(message), message.reply)
        seen = described(message.body)
        return format_html(
            "<p><strong>{}</strong> ({})</p>{}<ol>{}</ol><p>{}</p><ul>{}</ul>",
            seen["template"] or message.kind,
            seen["language"],
            format_html("<p>📄 {}</p>", seen["document"]) if seen["document"] else "",
            format_html_join("", "<li>{}</li>", ((text,) for text in seen["texts"])),
            seen["text"],
            format_html_join("", "<li>[{}]</li>", ((button,) for button in seen["buttons"])),
        )
