"""Fiscal years and budget lines: what each department may spend, and what it has committed."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from market.models import Department
from market.money import RupiahField


class FiscalYear(models.Model):
    """An Indonesian fiscal year runs with the calendar year (1 January to 31 December)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    is_open = models.BooleanField(_("open for spending"), default=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("fiscal year")
        verbose_name_plural = _("fiscal years")
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100), name="fiscal_year_plausible"
            )
        ]

    def __str__(self) -> str:
        return str(self.year)


class BudgetLine(models.Model):
    """A department's allocation for one account in one fiscal year.

    `committed` (submitted orders not yet paid) and `realised` (paid) are counters kept under
    row locks by procurement.services; they never exceed what was allocated.
    """

    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="budget_lines"
    )
    fiscal_year = models.ForeignKey(
        FiscalYear, on_delete=models.PROTECT, related_name="budget_lines"
    )
    account_code = models.CharField(_("account code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    allocated = RupiahField(_("allocated"))
    committed = RupiahField(_("committed"), default=0, editable=False)
    realised = RupiahField(_("realised"), default=0, editable=False)

    class Meta:
        ordering = ["department__code", "account_code"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "fiscal_year", "account_code"],
                name="budget_line_unique_account",
            ),
            models.CheckConstraint(
                condition=Q(allocated__gte=0, committed__gte=0, realised__gte=0),
                name="budget_line_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(allocated__gte=F("committed") + F("realised")),
                name="budget_line_not_overcommitted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department.code} {self.fiscal_year.year} {self.account_code} {self.name}"

    @property
    def available(self) -> int:
        return self.allocated - self.committed - self.realised
