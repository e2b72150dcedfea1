"""API tokens: one per device, named by the person, expiring when unused (django-rest-knox)."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken


class ApiToken(AbstractAuthToken):
    """Knox keeps only a digest of the token; the token itself is shown once, at sign-in.

    `public_id` names a device in URLs, since the digest (the primary key) must not travel.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("device name"), max_length=80)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="api_token_one_per_device"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.name}"
