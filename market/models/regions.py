"""The regency's districts (kecamatan) and villages (desa), flagged as priority areas."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class District(models.Model):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self) -> str:
        return self.name


class Village(models.Model):
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="villages")
    code = models.SlugField(_("code"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=100)
    is_priority = models.BooleanField(
        _("priority area (extreme poverty)"),
        default=False,
        help_text=_("Vendors from this village count towards the extreme-poverty outreach."),
    )

    class Meta:
        ordering = ["district__name", "name"]
        verbose_name = _("village")
        verbose_name_plural = _("villages")
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="village_unique_per_district")
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.district.name}"
