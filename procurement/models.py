"""Fiscal years and budget lines: what each department may spend, and what it has committed."""

import datetime
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, F, Q, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from market.audit_reading import AuditReading
from market.bounds import MAX_RUPIAH, NAME_LENGTH, TITLE_LENGTH
from market.models import Department
from market.money import RupiahField
from vendors.models import SMALL_BUSINESS_SCALES

DEFAULT_DIRECT_PURCHASE_CEILING = 200_000_000


def rupiah_bounds(least: int = 0) -> list:
    """Whole rupiah from `least` up to the plausible most (market.bounds)."""
    return [MinValueValidator(least), MaxValueValidator(MAX_RUPIAH)]


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

    audit_reading = AuditReading(department="department_id")

    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="budget_lines"
    )
    fiscal_year = models.ForeignKey(
        FiscalYear, on_delete=models.PROTECT, related_name="budget_lines"
    )
    account_code = models.CharField(_("account code"), max_length=ACCOUNT_CODE_LENGTH)
    name = models.CharField(_("name"), max_length=TITLE_LENGTH)
    allocated = RupiahField(_("allocated"), validators=rupiah_bounds())
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


PERCENT = {
    "max_digits": 5,
    "decimal_places": 2,
    "validators": [MinValueValidator(0), MaxValueValidator(100)],
}
# The categories a new fiscal year reserves for local small vendors (Kubu Raya's practice):
# rice and grains, snacks and meeting food.
DEFAULT_RESERVED_CATEGORIES = ("beras-biji-bijian", "makanan-ringan-konsumsi-rapat")


class Policy(models.Model):
    """A fiscal year's procurement policy: defaults an administrator changes, never code.

    Each value says in its help text which regulation or practice it comes from.
    """

    fiscal_year = models.OneToOneField(
        FiscalYear, on_delete=models.CASCADE, related_name="policy", verbose_name=_("fiscal year")
    )
    small_business_target = models.DecimalField(
        _("small-business share target (%)"),
        default=40,
        help_text=_(
            "The least share of the goods and services budget spent with micro and small "
            "businesses and cooperatives (Perpres 12/2021 art. 65, kept by Perpres 46/2025)."
        ),
        **PERCENT,
    )
    local_target = models.DecimalField(
        _("local-business share target (%)"),
        default=40,
        help_text=_(
            "The share of the budget the regional head asks to spend with businesses registered "
            "in the regency (Inpres 2/2022: plan, allocate and realise)."
        ),
        **PERCENT,
    )
    reserved_categories = models.ManyToManyField(
        "catalog.Category",
        blank=True,
        related_name="+",
        verbose_name=_("categories reserved for local small vendors"),
        help_text=_(
            "Goods of these categories (and those below them) are bought only from local micro "
            "and small businesses (the regional head's pasar sistemik rule)."
        ),
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
    negotiation_rounds = models.PositiveSmallIntegerField(
        _("price negotiation rounds"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_(
            "Rounds of price negotiation a requester may open on a submitted order: each a "
            "proposal the vendor accepts, counters or declines (e-Katalog v6 and Digipay allow "
            "two)."
        ),
    )
    direct_purchase_ceiling = RupiahField(
        _("direct-purchase ceiling"),
        default=DEFAULT_DIRECT_PURCHASE_CEILING,
        validators=rupiah_bounds(1),
        help_text=_(
            "The most one order may cost; dearer goods need a tender (Perpres 12/2021: "
            "Rp200.000.000 for goods)."
        ),
    )
    stamp_duty_threshold = RupiahField(
        _("stamp duty from"),
        default=5_000_000,
        validators=rupiah_bounds(),
        help_text=_(
            "A receipt (kuitansi) for more than this carries a stamp duty (meterai) box "
            "(UU 10/2020: Rp5.000.000)."
        ),
    )
    approval_threshold = RupiahField(
        _("automatic approval up to"),
        default=0,
        validators=rupiah_bounds(),
        help_text=_(
            "Orders at or under this are approved without the PPK; Rp0 means the PPK approves "
            "every order (the department head's delegation)."
        ),
    )
    card_cap = RupiahField(
        _("government card cap per payee"),
        default=200_000_000,
        validators=rupiah_bounds(),
        help_text=_(
            "The most one payment by government credit card (KKPD) may be, per payee (the "
            "regional head's decision; Rp200.000.000 for the Pemda card)."
        ),
    )
    payment_due_days = models.PositiveSmallIntegerField(
        _("payment due within (working days)"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_(
            "Working days from a complete invoice (its BAST and the invoice) to payment. No rule "
            "sets them for a regional government; the state budget gives the PPK five working "
            "days to request payment of a complete invoice (PMK 62/2023), taken as the default."
        ),
    )
    payment_goal_days = models.PositiveSmallIntegerField(
        _("payment goal (working days)"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_(
            # xgettext:no-python-format
            "The stretch goal the marketplace reports against: 90 % of small vendors' invoices "
            "paid within this many working days of a complete invoice (as the UK and "
            "Australia pay small suppliers within five days or fewer)."
        ),
    )

    # Mini-competitions (quotes): how long vendors have to offer, how many offers make a
    # competition, and how offers are compared.
    quote_window_days = models.PositiveSmallIntegerField(
        _("mini-competition: least window (working days)"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_(
            "A mini-competition closes at least this many working days after it is published, "
            "counted on the holiday calendar (e-Katalog v6 mini-kompetisi and Prozorro's price "
            "quotations both keep a least window; 2 working days by default)."
        ),
    )
    quote_min_offers = models.PositiveSmallIntegerField(
        _("mini-competition: least offers"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_(
            "With fewer offers at closing the requester extends the window once or cancels: one "
            "offer is no competition (Prozorro's price quotation needs two)."
        ),
    )
    quote_local_preference = models.DecimalField(
        _("mini-competition: preference for local small vendors (%)"),
        default=0,
        help_text=_(
            # xgettext:no-python-format
            "An offer of a local micro or small vendor is compared as if its price were this "
            "share lower (the price it is paid is the price it offered). 0 % unless a regional "
            "head's rule (peraturan kepala daerah) on preference for local products sets one."
        ),
        **PERCENT,
    )
    quote_price_tolerance = models.DecimalField(
        _("mini-competition: tolerance above the HPS (%)"),
        default=0,
        help_text=_(
            # xgettext:no-python-format
            "An offer whose unit price is above the owner's estimate (HPS) by more than this "
            "share is marked. 0 % by default: the HPS is the highest acceptable offer for goods "
            "(Perpres 16/2018 art. 26, as amended)."
        ),
        **PERCENT,
    )

    # The integrity red flags' parameters (integrity.indicators): where each looks, and how far
    # from the usual is far enough to ask a person to look.
    split_window_days = models.PositiveSmallIntegerField(
        _("split purchase: window (days)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(366)],
        help_text=_(
            "Orders of one department to one vendor, or of one category, placed within this many "
            "days are read together: splitting a package to stay under a method's threshold is "
            "forbidden (Perpres 16/2018 art. 20, as amended by Perpres 12/2021). Thirty days "
            "follows the red-flag tools built on open contracting data (Prozorro, Cardinal)."
        ),
    )
    bunching_margin = models.DecimalField(
        _("just under a threshold: margin (%)"),
        default=5,
        help_text=_(
            # xgettext:no-python-format
            "An order whose total lies within this share below the direct-purchase ceiling or "
            "the automatic-approval threshold is just under it (the Open Contracting "
            'Partnership\'s red flag "contract value just below a threshold"; 5 % by default).'
        ),
        **PERCENT,
    )
    bunching_min_orders = models.PositiveSmallIntegerField(
        _("just under a threshold: orders in a year"),
        default=3,
        validators=[MinValueValidator(2), MaxValueValidator(1000)],
        help_text=_(
            "A department is flagged when it has at least this many orders just under one "
            "threshold in the fiscal year: one may be chance, three are a habit."
        ),
    )
    concentration_share = models.DecimalField(
        _("vendor concentration: share (%)"),
        default=20,
        help_text=_(
            # xgettext:no-python-format
            "A vendor receiving more than this share of a department's paid spend in the year "
            "(the Open Contracting Partnership's red flag of a supplier taking a large share of "
            "a buyer's contracts; 20 % by default)."
        ),
        **PERCENT,
    )
    concentration_floor = RupiahField(
        _("vendor concentration: from a spend of"),
        default=50_000_000,
        validators=rupiah_bounds(),
        help_text=_(
            "Shares are read only once a department's paid spend in the year passes this: a "
            "department that has bought little has few vendors by necessity."
        ),
    )
    concentration_hhi = models.PositiveSmallIntegerField(
        _("vendor concentration: index above"),
        default=2500,
        validators=[MinValueValidator(1), MaxValueValidator(10000)],
        help_text=_(
            "The Herfindahl-Hirschman index of a department's paid spend over its vendors (the "
            "sum of the squared shares in percent, 10,000 for a single vendor) above which its "
            "buying is highly concentrated (2,500, the line of the 2010 US Horizontal Merger "
            "Guidelines that competition authorities use)."
        ),
    )
    price_iqr_factor = models.DecimalField(
        _("price far from the market: fence factor"),
        default=Decimal("1.5"),
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(10)],
        help_text=_(
            "A unit price above the third quartile plus this many interquartile ranges of the "
            "prices paid for the same category and unit is far from the market (Tukey's fence: "
            "1.5)."
        ),
    )
    price_min_observations = models.PositiveSmallIntegerField(
        _("price far from the market: least prices"),
        default=8,
        validators=[MinValueValidator(4), MaxValueValidator(1000)],
        help_text=_(
            "Quartiles are read only from at least this many prices paid; fewer say nothing "
            "about a market."
        ),
    )
    price_lookback_days = models.PositiveSmallIntegerField(
        _("price far from the market: prices of the last (days)"),
        default=365,
        validators=[MinValueValidator(30), MaxValueValidator(1096)],
        help_text=_(
            "The prices paid within this many days make the market a price is set against."
        ),
    )
    price_catalogue_factor = models.DecimalField(
        _("price far from the market: times the catalogue's median"),
        default=Decimal("1.5"),
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_(
            "A unit price above this many times the median price of the active products of "
            "the same category and unit in the catalogue is far from the market (HPS practice: "
            "the owner's estimate is set from the going prices, Perpres 16/2018 art. 26)."
        ),
    )

    class Meta:
        verbose_name = _("procurement policy")
        verbose_name_plural = _("procurement policies")

    def __str__(self) -> str:
        return f"{self.fiscal_year}"


class DepartmentTarget(models.Model):
    """A department that sets itself a small-business target above the organisation's."""

    fiscal_year = models.ForeignKey(
        FiscalYear, on_delete=models.CASCADE, related_name="department_targets"
    )
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    small_business_target = models.DecimalField(_("small-business share target (%)"), **PERCENT)

    class Meta:
        verbose_name = _("department target")
        verbose_name_plural = _("department targets")
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "department"], name="department_target_once_a_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.department.code} {self.fiscal_year}: {self.small_business_target} %"


class TaxRules(models.Model):
    """The rates and thresholds of the taxes a treasurer collects on a purchase, as dated data:
    the rules in force on a date are the latest whose `effective_from` is not after it
    (procurement.taxes). A new regulation is a new row, never a change to an old one, so that
    what was computed under the old rules can still be explained."""

    effective_from = models.DateField(_("effective from"), unique=True)
    source = models.CharField(
        _("source"),
        max_length=TITLE_LENGTH,
        help_text=_("The regulations these figures come from, as the tax office cites them."),
    )
    ppn_rate = models.DecimalField(
        _("PPN rate (%)"),
        help_text=_("UU HPP art. 7 as in force from 1 January 2025: 12 % (PMK 131/2024)."),
        **PERCENT,
    )
    ppn_base_numerator = models.PositiveSmallIntegerField(
        _("PPN base: numerator"),
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text=_(
            # xgettext:no-python-format
            "For goods that are not luxury, PPN is charged on this fraction of the price "
            "excluding PPN: 11/12 (PMK 131/2024 art. 3), so that 11 % is paid in effect."
        ),
    )
    ppn_base_denominator = models.PositiveSmallIntegerField(
        _("PPN base: denominator"), validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    collection_threshold = RupiahField(
        _("treasurer collects above"),
        validators=rupiah_bounds(),
        help_text=_(
            "A treasurer collects PPN and withholds PPh 22 only when the purchase's price "
            "excluding PPN is above this amount, for the whole purchase, never split "
            "(PMK 59/2022 art. 12 and 18: Rp2.000.000)."
        ),
    )
    pph22_rate = models.DecimalField(
        _("PPh 22 rate (%)"),
        help_text=_("PMK 59/2022 art. 12: 1,5 % of the price excluding PPN."),
        **PERCENT,
    )
    pph22_rate_without_npwp = models.DecimalField(
        _("PPh 22 rate without NPWP (%)"),
        help_text=_(
            "UU PPh art. 22 (3): 100 % more for a vendor without NPWP, that is 3 %. A validated "
            "NIK counts as an NPWP (PMK 112/2022)."
        ),
        **PERCENT,
    )
    final_rate = models.DecimalField(
        _("PP 55 final tax rate (%)"),
        help_text=_(
            # xgettext:no-python-format
            "PP 55/2022 art. 56 and PMK 164/2023: 0,5 % final tax, withheld instead of PPh 22 "
            "from a vendor whose PP 55 certificate (Suket) is valid on the payment date."
        ),
        **PERCENT,
    )
    small_turnover_limit = RupiahField(
        _("individual's tax-free turnover"),
        validators=rupiah_bounds(),
        help_text=_(
            "PP 55/2022 art. 60: an individual vendor whose turnover in the year is at most "
            "Rp500.000.000 pays no final tax; with a statement saying so, nothing is withheld."
        ),
    )
    deposit_day = models.PositiveSmallIntegerField(
        _("deposit by day of the next month"),
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_(
            "PMK 81/2024: tax a treasurer collected is deposited by the 15th of the next month, "
            "the next working day when that is a holiday."
        ),
    )

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("tax rules")
        verbose_name_plural = _("tax rules")

    def __str__(self) -> str:
        return f"{self.source} ({self.effective_from})"


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


def _signed_sum(weight, condition: Q | None = None) -> Coalesce:
    """Sum of entries, each signed by `weight(effect)` of its kind, optionally only those
    matching `condition`."""
    whens = [
        When(kind=kind, then=F("amount") * weight(effect))
        for kind, effect in SPEND_EFFECTS.items()
        if weight(effect)
    ]
    return Coalesce(Sum(Case(*whens, default=Value(0)), filter=condition), 0)


def ledger_committed(condition: Q | None = None) -> Coalesce:
    """Sum of ledger entries as the amount still committed (an aggregate expression)."""
    return _signed_sum(lambda effect: effect[0], condition)


def ledger_realised(condition: Q | None = None) -> Coalesce:
    """Sum of ledger entries as the amount realised (paid, less refunds)."""
    return _signed_sum(lambda effect: effect[1], condition)


def ledger_spent(condition: Q | None = None) -> Coalesce:
    """Committed and realised together: what the budget has been put to."""
    return _signed_sum(lambda effect: effect[0] + effect[1], condition)


# Whom the quota and the reports count, read from the snapshot each ledger entry carries. The
# regulation's quota is for micro and small businesses and cooperatives.
MEASURES = {
    "small_business": Q(vendor_scale__in=SMALL_BUSINESS_SCALES) | Q(vendor_is_cooperative=True),
    "local": Q(vendor_is_local=True),
    "priority_area": Q(vendor_in_priority_area=True),
    "women_led": Q(vendor_is_women_led=True),
}


def ledger_figures() -> dict:
    """The sums every report shows: the three counters, and each measure's spending."""
    return {
        "committed": ledger_committed(),
        "realised": ledger_realised(),
        "spent": ledger_spent(),
        **{name: ledger_spent(condition) for name, condition in MEASURES.items()},
    }


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
    # Indexed first in the covering index below.
    fiscal_year = models.ForeignKey(
        FiscalYear, on_delete=models.PROTECT, related_name="+", db_index=False
    )
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
    # On a realisation, when the vendor billed it: days from invoice to payment, for the
    # payment-delay figures, without reaching into orders.
    billed_at = models.DateTimeField(_("billed"), null=True, blank=True)

    class Meta:
        ordering = ["occurred_at", "id"]
        verbose_name = _("spend ledger entry")
        verbose_name_plural = _("spend ledger")
        indexes = [
            # Every report and the quota at checkout read one year, often one department, and
            # only these columns: on PostgreSQL they are answered from the index alone
            # (bench/spend_reports.py: a department's figures read a tenth of the pages).
            models.Index(
                fields=["fiscal_year", "department"],
                include=[
                    "kind",
                    "amount",
                    "occurred_at",
                    "vendor_id",
                    "vendor_name",
                    "vendor_scale",
                    "vendor_is_cooperative",
                    "vendor_is_local",
                    "vendor_in_priority_area",
                    "vendor_is_women_led",
                    "vendor_district",
                    "category",
                ],
                name="spend_year_dept_covering_idx",
            ),
            # A department's payments (the record a vendor sees before it accepts, its row of
            # the compliance report): its billed realisations, by time, from the index alone.
            # Written in time order, a department's rows lie on nearly every page of the table
            # (bench/payment_records.py: the record's SQL 123 -> 24 ms at a million order lines).
            models.Index(
                fields=["department", "occurred_at"],
                include=["fiscal_year", "billed_at", "order_id"],
                condition=Q(kind=SpendKind.REALISE, billed_at__isnull=False),
                name="spend_dept_payments_idx",
            ),
            models.Index(fields=["order_id", "budget_line"], name="spend_order_line_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="spend_entry_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.order_number} {self.kind} {self.amount}"


class ComplianceSnapshot(models.Model):
    """A department's position at the end of a month (or so far, for the current month), kept
    by a nightly task so that charts show the share over the months as it was."""

    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("month"), help_text=_("Its first day."))
    allocated = RupiahField(_("allocated"), default=0)
    committed = RupiahField(_("committed"), default=0)
    realised = RupiahField(_("realised"), default=0)
    spent = RupiahField(_("spent"), default=0)
    small_business = RupiahField(_("with small businesses and cooperatives"), default=0)
    local = RupiahField(_("with local businesses"), default=0)
    priority_area = RupiahField(_("with priority villages"), default=0)
    women_led = RupiahField(_("with women-led businesses"), default=0)
    refreshed_at = models.DateTimeField(_("refreshed"), auto_now=True)

    class Meta:
        ordering = ["department", "month"]
        verbose_name = _("monthly compliance snapshot")
        verbose_name_plural = _("monthly compliance snapshots")
        constraints = [
            models.UniqueConstraint(fields=["department", "month"], name="snapshot_once_a_month")
        ]

    def __str__(self) -> str:
        return f"{self.department_id} {self.month:%Y-%m}"


class ReportDispatch(models.Model):
    """A report or alert told for a period, once: the task that tells it may run twice. Written
    with a notification for each recipient and their outbox rows (procurement.mail), which send
    it."""

    class Kind(models.TextChoices):
        MONTHLY = "monthly", _("Monthly report")
        BEHIND = "behind", _("Behind-pace alert")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    period = models.DateField(_("period"), help_text=_("The first day of the month reported."))
    # A department's code, or empty for the organisation's report to the finance officers.
    scope = models.CharField(_("for"), max_length=20, blank=True)
    # The people told (their ids); each one's outbox rows say where it went and when.
    recipients = models.JSONField(_("recipients"), default=list)
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("report sent")
        verbose_name_plural = _("reports sent")
        constraints = [
            models.UniqueConstraint(fields=["kind", "period", "scope"], name="report_dispatch_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.period:%Y-%m} {self.scope or 'all'}"
