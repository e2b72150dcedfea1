"""Spend and compliance: how much of each department's budget went to small businesses and
cooperatives, local vendors, priority villages and women-led businesses, against the target.

Everything is summed by the database from the spend ledger (procurement.models.MEASURES and the
ledger_* expressions), a handful of queries whatever the number of order lines.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, F, Max, QuerySet, Sum
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from catalog.models import Category
from market.models import Department, District
from procurement.evaluation import exact_pace, one_decimal, percent, reaches
from procurement.models import (
    MEASURES,
    BudgetLine,
    ComplianceSnapshot,
    DepartmentTarget,
    FiscalYear,
    SpendEntry,
    SpendKind,
    ledger_figures,
    ledger_realised,
    ledger_spent,
)
from procurement.selectors import holidays_between, policy_for, working_days_table
from vendors.models import SMALL_BUSINESS_SCALES, Scale

MEASURE_LABELS = {
    "small_business": _("Small businesses and cooperatives"),
    "local": _("Local businesses"),
    "priority_area": _("Priority villages"),
    "women_led": _("Women-led businesses"),
}
GROUPS = {
    "month": _("Month"),
    "category": _("Category"),
    "vendor_scale": _("Vendor scale"),
    "district": _("District"),
    "vendor": _("Vendor"),
}


class Status:
    MET = "met"
    ON_TRACK = "on_track"
    BEHIND = "behind"


STATUS_LABELS = {
    Status.MET: _("Target met"),
    Status.ON_TRACK: _("On track"),
    Status.BEHIND: _("Behind"),
}


@dataclass(frozen=True)
class PaymentDelay:
    """How fast a department paid its vendors: working days from a complete invoice to its
    payment (weekends and the holidays kept do not count), as how many payments waited each
    number of days."""

    due_days: int  # the policy's target
    counts: tuple[tuple[int, int], ...] = ()  # (working days, payments), by days
    goal_days: int = 2  # the policy's stretch goal

    @property
    def paid(self) -> int:
        return sum(payments for _days, payments in self.counts)

    @property
    def median_days(self) -> Decimal | None:
        if not self.counts:
            return None
        middle = ((self.paid - 1) // 2, self.paid // 2)  # the middle payment (or two)
        found, seen = [], 0
        for days, payments in self.counts:
            found += [days for place in middle if seen <= place < seen + payments]
            seen += payments
        return one_decimal(Decimal(sum(found)) / 2)

    def within(self, days: int) -> Decimal | None:
        """The share (%) paid within `days` working days."""
        if not self.counts:
            return None
        return percent(sum(paid for waited, paid in self.counts if waited <= days), self.paid)

    @property
    def within_due(self) -> Decimal | None:
        """The share (%) paid within the policy's target."""
        return self.within(self.due_days)

    @property
    def within_goal(self) -> Decimal | None:
        """The share (%) paid within the stretch goal."""
        return self.within(self.goal_days)

    @classmethod
    def merged(cls, due_days: int, delays, goal_days: int = 2) -> "PaymentDelay":
        counts = Counter()
        for delay in delays:
            counts.update(dict(delay.counts))
        return cls(due_days, tuple(sorted(counts.items())), goal_days)


def payment_delays(
    *,
    department_ids: list[int] | None,
    due_days: int,
    goal_days: int = 2,
    fiscal_year: FiscalYear | None = None,
    since=None,
    until=None,
    small_vendors: bool = False,
) -> dict[int, PaymentDelay]:
    """Each department's payment delays (in the fiscal year, or since `since`), from the
    ledger's realisations, which keep when the vendor billed. The database counts the payments
    per pair of days (billed, paid); the working days between each pair are counted here, at
    most a few thousand pairs a department a year whatever the number of payments. An invoice
    is paid at once, so its realisations (one per category) share their dates and it is
    counted once."""
    tz = timezone.get_current_timezone()
    entries = SpendEntry.objects.filter(kind=SpendKind.REALISE, billed_at__isnull=False)
    if department_ids is not None:  # None: every department
        entries = entries.filter(department_id__in=department_ids)
    if fiscal_year is not None:
        entries = entries.filter(fiscal_year=fiscal_year)
    if since is not None:
        entries = entries.filter(occurred_at__gte=since)
    if until is not None:
        entries = entries.filter(occurred_at__lt=until)
    if small_vendors:
        entries = entries.filter(vendor_scale__in=SMALL_BUSINESS_SCALES)
    pairs = list(
        entries.annotate(
            billed=TruncDate("billed_at", tzinfo=tz), paid=TruncDate("occurred_at", tzinfo=tz)
        )
        .values_list("department_id", "billed", "paid")
        .annotate(payments=Count("order_id", distinct=True))
        .order_by()
    )
    counts: dict[int, Counter] = defaultdict(Counter)
    if pairs:
        days = [day for _d, billed, paid, _n in pairs for day in (billed, paid)]
        first, last = min(days), max(days)
        # One pass over the days, then each pair's wait is a subtraction.
        worked = working_days_table(first, last, holidays_between(first, last))
        for department_id, billed, paid, payments in pairs:
            counts[department_id][worked[paid] - worked[billed]] += payments
    return {
        department_id: PaymentDelay(
            due_days, tuple(sorted(counts.get(department_id, Counter()).items())), goal_days
        )
        for department_id in (counts if department_ids is None else department_ids)
    }


@dataclass
class Compliance:
    """One department's (or the organisation's) position for a fiscal year."""

    code: str
    name: str
    allocated: int
    committed: int
    realised: int
    spent: int
    measures: dict[str, int]
    target: Decimal
    exact_pace: Decimal
    local_target: Decimal = Decimal(0)  # of the budget, with businesses of the regency
    payment_delay: PaymentDelay | None = None
    shares: dict[str, dict[str, Decimal]] = field(init=False)

    def __post_init__(self):
        self.shares = {
            name: {
                "of_allocation": percent(amount, self.allocated),
                "of_spend": percent(amount, self.spent),
            }
            for name, amount in self.measures.items()
        }

    @property
    def measure_cells(self) -> list[dict]:
        """Each measure with its label, amount and shares, in the order the pages show them."""
        targets = {"small_business": self.target, "local": self.local_target}
        return [
            {
                "name": name,
                "label": MEASURE_LABELS[name],
                "amount": amount,
                "target": targets.get(name),
                **self.shares[name],
            }
            for name, amount in self.measures.items()
        ]

    @property
    def small_business_share(self) -> Decimal:
        return self.shares["small_business"]["of_allocation"]

    @property
    def pace(self) -> Decimal:
        """As shown: one decimal, rounded half-up."""
        return one_decimal(self.exact_pace)

    @property
    def status(self) -> str:
        # Judged on the exact amounts, not on the rounded shares shown.
        small = self.measures["small_business"]
        if self.allocated and reaches(small, self.allocated, self.target):
            return Status.MET
        if reaches(small, self.allocated, self.exact_pace):
            return Status.ON_TRACK
        return Status.BEHIND

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


def compliance_by_department(
    *, fiscal_year: FiscalYear, departments: QuerySet[Department], today=None, until=None
) -> tuple[list[Compliance], Compliance]:
    """Each department's position, how fast it paid, and the organisation's total, in six
    queries: with `until` (a moment), as it stood then."""
    policy = policy_for(fiscal_year)
    departments = list(departments.order_by("code"))
    ids = [department.pk for department in departments]
    allocated = dict(
        BudgetLine.objects.filter(fiscal_year=fiscal_year, department_id__in=ids)
        .values("department_id")
        .annotate(total=Sum("allocated"))
        .values_list("department_id", "total")
    )
    ledger = {
        row.pop("department_id"): row
        for row in SpendEntry.objects.filter(fiscal_year=fiscal_year, department_id__in=ids)
        .filter(**({"occurred_at__lt": until} if until else {}))
        .values("department_id")
        .annotate(**ledger_figures())
        .order_by()
    }
    targets = dict(
        DepartmentTarget.objects.filter(fiscal_year=fiscal_year, department_id__in=ids).values_list(
            "department_id", "small_business_target"
        )
    )
    delays = payment_delays(
        fiscal_year=fiscal_year,
        department_ids=ids,
        due_days=policy.payment_due_days,
        goal_days=policy.payment_goal_days,
        until=until,
    )
    empty = {name: 0 for name in ledger_figures()}
    rows = []
    for department in departments:
        figures = ledger.get(department.pk, empty)
        target = max(targets.get(department.pk, Decimal(0)), policy.small_business_target)
        rows.append(
            Compliance(
                code=department.code,
                name=department.name,
                allocated=allocated.get(department.pk, 0),
                committed=figures["committed"],
                realised=figures["realised"],
                spent=figures["spent"],
                measures={name: figures[name] for name in MEASURES},
                target=target,
                exact_pace=exact_pace(target, fiscal_year, today),
                local_target=policy.local_target,
                payment_delay=delays[department.pk],
            )
        )
    total = Compliance(
        code="",
        name=str(_("All departments")),
        allocated=sum(row.allocated for row in rows),
        committed=sum(row.committed for row in rows),
        realised=sum(row.realised for row in rows),
        spent=sum(row.spent for row in rows),
        measures={name: sum(row.measures[name] for row in rows) for name in MEASURES},
        target=policy.small_business_target,
        exact_pace=exact_pace(policy.small_business_target, fiscal_year, today),
        local_target=policy.local_target,
        payment_delay=PaymentDelay.merged(
            policy.payment_due_days, delays.values(), policy.payment_goal_days
        ),
    )
    return rows, total


def spend_by(
    *, fiscal_year: FiscalYear, departments: QuerySet[Department], group_by: str
) -> list[dict]:
    """The ledger's figures broken down by month, category, vendor scale, district or vendor."""
    entries = SpendEntry.objects.filter(fiscal_year=fiscal_year, department__in=departments)
    keys = {
        "month": {"month": TruncMonth("occurred_at", tzinfo=timezone.get_current_timezone())},
        "category": {"key": F("category")},
        "vendor_scale": {"key": F("vendor_scale")},
        "district": {"key": F("vendor_district")},
        "vendor": {"key": F("vendor_id"), "name": F("vendor_name")},
    }[group_by]
    rows = list(entries.annotate(**keys).values(*keys).annotate(**ledger_figures()).order_by(*keys))
    labels = _labels(group_by, rows)
    for row in rows:
        if group_by == "month":
            row["key"] = row.pop("month").date().isoformat()[:7]
        row["label"] = labels.get(row["key"], row.pop("name", None) or row["key"] or "—")
    return rows


def _labels(group_by: str, rows: list[dict]) -> dict:
    if group_by == "category":
        return dict(
            Category.objects.filter(slug__in=[row["key"] for row in rows]).values_list(
                "slug", "name"
            )
        )
    if group_by == "vendor_scale":
        return {value: str(label) for value, label in Scale.choices}
    if group_by == "district":
        return {
            "": str(_("Outside the regency")),
            **dict(District.objects.values_list("code", "name")),
        }
    return {}


def monthly_positions(
    *, fiscal_year: FiscalYear, departments: QuerySet[Department]
) -> list[ComplianceSnapshot]:
    """The stored month-end positions of these departments, summed month by month."""
    sums = (
        ComplianceSnapshot.objects.filter(fiscal_year=fiscal_year, department__in=departments)
        .values("month")
        .annotate(
            allocated_sum=Sum("allocated"),
            spent_sum=Sum("spent"),
            small_business_sum=Sum("small_business"),
        )
        .order_by("month")
    )
    return [
        ComplianceSnapshot(
            fiscal_year=fiscal_year,
            month=row["month"],
            allocated=row["allocated_sum"],
            spent=row["spent_sum"],
            small_business=row["small_business_sum"],
        )
        for row in sums
    ]


def compliance_table(rows: list[Compliance], total: Compliance | None) -> tuple[list, list]:
    """The compliance report as a header and rows, for CSV and Excel."""
    header = [
        str(_("Department")),
        str(_("Name")),
        str(_("Budget")),
        str(_("Committed")),
        str(_("Realised")),
        str(_("Spent")),
    ]
    for name in MEASURES:
        label = str(MEASURE_LABELS[name])
        header += [label, f"{label} (% {_('of budget')})", f"{label} (% {_('of spend')})"]
    header += [
        str(_("Target (%)")),
        str(_("Pace today (%)")),
        str(_("Local-business target (%)")),
        str(_("Status")),
        str(_("Payments")),
        str(_("Median working days from complete invoice to payment")),
        str(_("Paid within the goal's working days (%)")),
        str(_("Paid within the target's working days (%)")),
    ]
    table = []
    for row in [*rows, *([total] if total else [])]:
        cells = [row.code, row.name, row.allocated, row.committed, row.realised, row.spent]
        for cell in row.measure_cells:
            cells += [cell["amount"], cell["of_allocation"], cell["of_spend"]]
        delay = row.payment_delay or PaymentDelay(0)
        table.append(
            [
                *cells,
                row.target,
                row.pace,
                row.local_target,
                str(row.status_label),
                delay.paid,
                delay.median_days,
                delay.within_goal,
                delay.within_due,
            ]
        )
    return header, table


def spend_table(rows: list[dict], group_by: str) -> tuple[list, list]:
    """A spend breakdown as a header and rows, for CSV and Excel."""
    measures = ["committed", "realised", "spent", *MEASURES]
    header = [
        str(GROUPS[group_by]),
        *[str(label) for label in (_("Committed"), _("Realised"), _("Spent"))],
        *[str(MEASURE_LABELS[name]) for name in MEASURES],
    ]
    return header, [[row["label"], *(row[name] for name in measures)] for row in rows]


@dataclass
class PublicFigures:
    """What the public may know of a fiscal year: each department's spending and share to
    small local business against the target, and how many vendors were paid, by district."""

    departments: list[dict]
    vendors_paid_by_district: list[dict]
    target: Decimal
    payment_due_days: int
    payment_goal_days: int
    # The regency against its goal: this share of small vendors' payments within the goal.
    small_vendors_paid: int
    small_vendors_within_goal: Decimal | None


SMALL_LOCAL = MEASURES["small_business"] & MEASURES["local"]
PUBLIC_FIGURES_SECONDS = 600


def public_figures_cached(*, fiscal_year: FiscalYear) -> PublicFigures:
    """The public figures for the transparency page and its API, open to anyone: their sums read
    the whole year's ledger, so they are kept for ten minutes, and worked out again as soon as a
    new ledger entry is written (a changed target shows within the ten minutes)."""
    last_entry = SpendEntry.objects.aggregate(last=Max("pk"))["last"]
    key = ":".join(
        map(
            str,
            ("public-figures", fiscal_year.pk, last_entry, timezone.localdate(), get_language()),
        )
    )
    figures = cache.get(key)
    if figures is None:
        figures = public_figures(fiscal_year=fiscal_year)
        cache.set(key, figures, PUBLIC_FIGURES_SECONDS)
    return figures


def regency_small_vendor_payments(*, fiscal_year: FiscalYear) -> PaymentDelay:
    """The whole regency's payments to micro and small vendors in the year: the figure set
    against its goal (settings.PAYMENT_GOAL_SHARE within the policy's goal days)."""
    policy = policy_for(fiscal_year)
    delays = payment_delays(
        fiscal_year=fiscal_year,
        department_ids=None,
        due_days=policy.payment_due_days,
        goal_days=policy.payment_goal_days,
        small_vendors=True,
    )
    return PaymentDelay.merged(policy.payment_due_days, delays.values(), policy.payment_goal_days)


def public_figures(*, fiscal_year: FiscalYear, today=None) -> PublicFigures:
    departments = Department.objects.filter(is_active=True)
    rows, total = compliance_by_department(
        fiscal_year=fiscal_year, departments=departments, today=today
    )
    small_local = dict(
        SpendEntry.objects.filter(fiscal_year=fiscal_year)
        .values("department__code")
        .annotate(amount=ledger_spent(SMALL_LOCAL))
        .values_list("department__code", "amount")
    )
    # A vendor counts as paid while something paid to it remains (a full refund takes it out):
    # one row per vendor from the database, counted by district here.
    paid_vendors = (
        SpendEntry.objects.filter(fiscal_year=fiscal_year)
        .values("vendor_district", "vendor_id")
        .annotate(paid=ledger_realised())
        .filter(paid__gt=0)
        .values_list("vendor_district", flat=True)
        .order_by()
    )
    paid = [
        {"vendor_district": district, "vendors": count}
        for district, count in sorted(Counter(paid_vendors).items())
    ]
    districts = dict(District.objects.values_list("code", "name"))
    small = regency_small_vendor_payments(fiscal_year=fiscal_year)
    return PublicFigures(
        departments=[
            {
                "code": row.code,
                "name": row.name,
                "allocated": row.allocated,
                "spent": row.spent,
                "small_business": row.measures["small_business"],
                "small_business_share": row.small_business_share,
                "small_local": small_local.get(row.code, 0),
                "small_local_share": percent(small_local.get(row.code, 0), row.allocated),
                "target": row.target,
                "status": row.status,
                "status_label": str(row.status_label),
                "orders_paid": row.payment_delay.paid,
                "median_days_to_pay": row.payment_delay.median_days,
                "paid_within_goal_share": row.payment_delay.within_goal,
                "paid_within_due_share": row.payment_delay.within_due,
            }
            for row in rows
            if row.allocated
        ],
        vendors_paid_by_district=[
            {
                "district": item["vendor_district"] or None,
                "name": districts.get(item["vendor_district"], str(_("Outside the regency"))),
                "vendors": item["vendors"],
            }
            for item in paid
        ],
        target=total.target,
        payment_due_days=total.payment_delay.due_days,
        payment_goal_days=total.payment_delay.goal_days,
        small_vendors_paid=small.paid,
        small_vendors_within_goal=small.within_goal,
    )
