"""The append-only, hash-chained audit trail of every state change."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditTrailIsAppendOnly(_("Audit events cannot be changed."))

    def delete(self):
        raise AuditTrailIsAppendOnly(_("Audit events cannot be deleted."))


class AuditTrailIsAppendOnly(Exception):
    pass


class AuditEvent(models.Model):
    """Who did what to which object, before and after, when. Written by market.services.audit."""

    sequence = models.PositiveBigIntegerField(_("sequence"), unique=True, editable=False)
    created_at = models.DateTimeField(_("time"), editable=False, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,  # deactivate people instead; their trail must stay
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_label = models.CharField(_("actor"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    previous_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)
    # Which AUDIT_KEYS entry keyed the hash (HMAC-SHA256), so that keys can be rotated.
    key_id = models.CharField(_("key"), max_length=20, blank=True, default="", editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-sequence"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditTrailIsAppendOnly(_("Audit events cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditTrailIsAppendOnly(_("Audit events cannot be deleted."))


class AuditChainHead(models.Model):
    """The chain's last link, one row locked by every writer so links are made one at a time."""

    sequence = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"#{self.sequence} {self.hash[:12]}"


class AuditReview(models.Model):
    """A finance officer or inspector has read an event (the event itself never changes)."""

    event = models.ForeignKey(
        AuditEvent, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("event")
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reviewer"),
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed"), auto_now_add=True)

    class Meta:
        ordering = ["-reviewed_at"]
        verbose_name = _("audit review")
        verbose_name_plural = _("audit reviews")
        constraints = [
            models.UniqueConstraint(fields=["event", "reviewer"], name="audit_review_once")
        ]

    def __str__(self) -> str:
        return f"#{self.event_id} · {self.reviewer_id}"


class AuditCheck(models.Model):
    """The result of walking the chain (verify_audit, nightly): shown on the audit page."""

    ran_at = models.DateTimeField(_("checked"), auto_now_add=True)
    ok = models.BooleanField(_("intact"))
    checked = models.PositiveBigIntegerField(_("events checked"))
    broken_sequence = models.PositiveBigIntegerField(_("first broken event"), null=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["-ran_at"]
        verbose_name = _("audit chain check")
        verbose_name_plural = _("audit chain checks")

    def __str__(self) -> str:
        return f"{self.ran_at:%Y-%m-%d %H:%M} {'ok' if self.ok else 'broken'}"
