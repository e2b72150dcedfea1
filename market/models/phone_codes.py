"""One-time codes that prove a WhatsApp number is the person's (market.services.phone_codes)."""

import hashlib
import hmac

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from market.audit_reading import AuditReading


class PhoneCode(models.Model):
    """A code sent to a number. The code itself is not stored: it is derived from `nonce` with
    the site's secret key, so that someone reading the database (a backup, the admin) cannot
    read a code that is still good."""

    audit_reading = AuditReading(
        private=frozenset({"phone"}), readable="market.permissions.person_private_fields_for"
    )

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="phone_codes"
    )
    phone = models.CharField(_("phone"), max_length=20)
    nonce = models.CharField(max_length=32)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    tries = models.PositiveSmallIntegerField(_("tries"), default=0)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        verbose_name = _("WhatsApp number code")
        verbose_name_plural = _("WhatsApp number codes")
        indexes = [
            models.Index(fields=["user", "-created_at"], name="phonecode_user_idx"),
            models.Index(fields=["phone", "-created_at"], name="phonecode_phone_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def code(self) -> str:
        """The six digits sent."""
        digest = hmac.new(
            settings.SECRET_KEY.encode(), f"phone-code|{self.nonce}".encode(), hashlib.sha256
        ).digest()
        return f"{int.from_bytes(digest[:8], 'big') % 1_000_000:06d}"
