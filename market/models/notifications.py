"""What people are told: notifications (the bell), their deliveries waiting in the outbox
(e-mail, WhatsApp), and each person's choice of channels.

A service that changes state writes these rows in its own transaction (market.services.
notifications), so a message exists exactly when the change does; worker/ sends them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from market.models.outbox import OutboxRow


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In the app")
    EMAIL = "email", _("E-mail")
    WHATSAPP = "whatsapp", _("WhatsApp")


# The channels a person may turn off; the bell in the app is always on.
OPTIONAL_CHANNELS = (Channel.EMAIL, Channel.WHATSAPP)
OPTIONAL_CHANNEL_CHOICES = [(channel.value, channel.label) for channel in OPTIONAL_CHANNELS]


class Notification(models.Model):
    """One event told to one person. The text is not stored: it is written from `kind` and
    `params` in the reader's language (market.notices), so the bell and the e-mail agree."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=40)
    params = models.JSONField(_("details"), default=dict, blank=True)
    link = models.CharField(_("link"), max_length=200, blank=True)
    # What it is about, named as audit events name their objects ("orders.purchaseorder", "12").
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    # Reminders and daily checks go once per person: a second run finds the key taken.
    key = models.CharField(_("key"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "-id"], name="notification_recipient_idx"),
            # The bell's count on every page reads only the unread.
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"],
                condition=~Q(key=""),
                name="notification_once_per_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient}"


class OutboxMessage(OutboxRow):
    """A notification waiting to go out by e-mail or WhatsApp (the transactional outbox).

    Written with the change it tells of; the relay publishes it to Celery after the commit and a
    sweeper publishes again what is still pending, so nothing is lost while Redis or a worker is
    away. Unique per notification and channel: sent at most once however often a task runs.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(
        _("channel"),
        max_length=10,
        choices=OPTIONAL_CHANNEL_CHOICES,
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    address = models.CharField(_("sent to"), max_length=254, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status__in=["pending", "sending"]),
                name="outbox_due_idx",
            ),
            models.Index(fields=["status", "-id"], name="outbox_status_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"], name="outbox_once_per_channel"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=[channel.value for channel in OPTIONAL_CHANNELS]),
                name="outbox_channel_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} #{self.pk} ({self.get_status_display()})"


class ChannelPreference(models.Model):
    """A person's choice for one channel; without a row the channel is on."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="channel_preferences"
    )
    channel = models.CharField(
        _("channel"),
        max_length=10,
        choices=OPTIONAL_CHANNEL_CHOICES,
    )
    enabled = models.BooleanField(_("on"), default=True)

    class Meta:
        verbose_name = _("channel preference")
        verbose_name_plural = _("channel preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "channel"], name="channel_preference_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.channel}: {'on' if self.enabled else 'off'}"
