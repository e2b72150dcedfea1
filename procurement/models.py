"""Fiscal years and budget lines: what each department may spend, and what it has committed."""

import datetime

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, F, Q, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from market.bounds import MAX_RUPIAH, NAME_LENGTH, TITLE_LENGTH
from market.models import Department
from market.money import RupiahField

DEFAULT_DIRECT_PURCHASE_CEILING = 200_000_000
ACCOUNT_CODE_LENGTH = 40


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
    account_code = models.CharField(_("account code"), max_length=ACCOUNT_CODE_LENGTH)
    name = models.CharField(_("name"), max_length=TITLE_LENGTH)
    allocated = RupiahField(
        _("allocated"), validators=[MinValueValidator(0), MaxValueValidator(MAX_RUPIAH)]
    )
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


class Policy(models.Model):
    """A fiscal year's procurement policy: defaults an administrator changes, never code."""

    fiscal_year = models.OneToOneField(
        FiscalYear, on_delete=models.CASCADE, related_name="policy", verbose_name=_("fiscal year")
    )
    vendor_response_days = models.PositiveSmallIntegerField(
        _("vendor response days"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_(
            "Working days a vendor has to answer an approved order before it expires "
            "(e-Katalog practice: 3)."
        ),
    )
    direct_purchase_ceiling = RupiahField(
        _("direct-purchase ceiling"),
        default=DEFAULT_DIRECT_PURCHASE_CEILING,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_RUPIAH)],
        help_text=_(
            "The most one order may cost; dearer goods need a tender (Perpres 12/2021: "
            "Rp200.000.000 for goods)."
        ),
    )
    stamp_duty_threshold = RupiahField(
        _("stamp duty from"),
        default=5_000_000,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_RUPIAH)],
        help_text=_(
            "A receipt (kuitansi) for more than this carries a stamp duty (meterai) box "
            "(UU 10/2020: Rp5.000.000)."
        ),
    )

    class Meta:
        verbose_name = _("procurement policy")
        verbose_name_plural = _("procurement policies")

    def __str__(self) -> str:
        return f"{self.fiscal_year}"


class Holiday(models.Model):
    """A public holiday or collective leave day: not a working day."""

    date = models.DateField(
        _("date"),
        unique=True,
        validators=[
            MinValueValidator(datetime.date(2000, 1, 1)),
            MaxValueValidator(datetime.date(2100, 12, 31)),
        ],
    )
    name = models.CharField(_("name"), max_length=NAME_LENGTH)

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class SpendKind(models.TextChoices):
    COMMIT = "commit", _("Commitment")
    RELEASE = "release", _("Release")
    REALISE = "realise", _("Realisation")
    REFUND = "refund", _("Refund")


# How each kind of entry moves a budget line's two counters, (committed, realised). This is the
# one definition of the ledger's signs: counters, reports and policy all read through it.
SPEND_EFFECTS = {
    SpendKind.COMMIT: (1, 0),
    SpendKind.RELEASE: (-1, 0),
    SpendKind.REALISE: (-1, 1),
    SpendKind.REFUND: (0, -1),
}


def _signed_sum(counter: int) -> Coalesce:
    return Coalesce(
        Sum(
            Case(
                *[
                    When(kind=kind, then=F("amount") * effect[counter])
                    for kind, effect in SPEND_EFFECTS.items()
                    if effect[counter]
                ],
                default=Value(0),
            )
        ),
        0,
    )


def ledger_committed() -> Coalesce:
    """Sum of ledger entries as the amount still committed (an aggregate expression)."""
    return _signed_sum(0)


def ledger_realised() -> Coalesce:
    """Sum of ledger entries as the amount realised (paid, less refunds)."""
    return _signed_sum(1)


class SpendEntry(models.Model):
    """One budget movement, with a snapshot of what the quota rules need as it was then.

    Budget line counters are kept beside these rows and can be recomputed from them; policy
    and reports read only this ledger, so procurement never looks into orders.
    """

    kind = models.CharField(_("kind"), max_length=10, choices=SpendKind.choices)
    amount = RupiahField(_("amount"))
    budget_line = models.ForeignKey(
        BudgetLine, on_delete=models.PROTECT, related_name="spend_entries"
    )
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, related_name="+")
    occurred_at = models.DateTimeField(_("time"))
    order_number = models.CharField(_("order number"), max_length=40, db_index=True)
    order_id = models.PositiveBigIntegerField(_("order id"))
    vendor_id = models.PositiveBigIntegerField(_("vendor id"))
    vendor_name = models.CharField(_("vendor"), max_length=200)
    vendor_scale = models.CharField(_("scale"), max_length=10)
    vendor_is_local = models.BooleanField(_("local"))
    vendor_in_priority_area = models.BooleanField(_("priority village"))
    vendor_is_women_led = models.BooleanField(_("women-led"))
    vendor_is_cooperative = models.BooleanField(_("cooperative"))
    vendor_district = models.CharField(_("district"), max_length=60, blank=True)
    category = models.CharField(_("category"), max_length=80)
    # The category and its ancestors, "/parent/child/", so that a rule or report on a parent
    # category ("food") counts its children: category_path__contains="/food/".
    category_path = models.CharField(_("category path"), max_length=255)

    class Meta:
        ordering = ["occurred_at", "id"]
        verbose_name = _("spend ledger entry")
        verbose_name_plural = _("spend ledger")
        indexes = [
            models.Index(
                fields=["fiscal_year", "department", "kind"], name="spend_year_dept_kind_idx"
            ),
            models.Index(fields=["order_id", "budget_line"], name="spend_order_line_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="spend_entry_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.order_number} {self.kind} {self.amount}"
