"""What crossed the WhatsApp Cloud API: each message sent (a template, a reply) and each message
received through the webhook, once each (worker.whatsapp_inbound, worker.channels)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from market.audit_reading import AuditReading


class WhatsAppMessage(models.Model):
    class Direction(models.TextChoices):
        OUT = "out", _("Sent")
        IN = "in", _("Received")

    class Status(models.TextChoices):
        # Sent: as the Cloud API's answer and its status callbacks say.
        SENT = "sent", _("Sent")
        DELIVERED = "delivered", _("Delivered")
        READ = "read", _("Read")
        FAILED = "failed", _("Failed")
        # Received: what became of it.
        DONE = "done", _("Carried out")
        REFUSED = "refused", _("Refused")
        AWAITING_REASON = "awaiting_reason", _("Waiting for a reason")
        IGNORED = "ignored", _("Answered only")

    audit_reading = AuditReading(private=frozenset({"phone"}))

    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    # Meta's id of the message (wamid.…); a received one is stored once, however often the
    # webhook brings it.
    wamid = models.CharField(_("WhatsApp message id"), max_length=128, blank=True)
    # Ours, for a message sent: pasar-outbox-<id>, pasar-reply-<id>, pasar-code-<id>. Meta gives
    # it back in status callbacks (biz_opaque_callback_data).
    reference = models.CharField(_("reference"), max_length=64, blank=True)
    phone = models.CharField(_("number"), max_length=20)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    # A template's name, "text", "button", "document"…
    kind = models.CharField(_("kind"), max_length=64)
    # The request body sent, or the message as received (its part of the webhook).
    body = models.JSONField(_("content"), default=dict)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    # A reply button's order and action (accept, decline).
    order = models.ForeignKey(
        "orders.PurchaseOrder",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("order"),
    )
    action = models.CharField(_("action"), max_length=16, blank=True)
    # What the app answered a received message, in the sender's language.
    reply = models.TextField(_("reply"), max_length=1000, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("WhatsApp message")
        verbose_name_plural = _("WhatsApp messages")
        constraints = [
            models.UniqueConstraint(
                fields=["direction", "wamid"],
                condition=~Q(wamid=""),
                name="whatsapp_message_once",
            ),
            models.UniqueConstraint(
                fields=["reference"], condition=~Q(reference=""), name="whatsapp_reference_once"
            ),
        ]
        indexes = [
            # A text from a number: is a decline waiting for its reason?
            models.Index(
                fields=["phone", "-created_at"],
                condition=Q(status="awaiting_reason"),
                name="whatsapp_awaiting_idx",
            ),
            models.Index(fields=["direction", "-id"], name="whatsapp_direction_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.kind} #{self.pk}"
