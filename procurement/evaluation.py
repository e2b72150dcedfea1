"""The fiscal year's policy, applied to orders about to be submitted.

Fed only with what the spend ledger carries (procurement.services.Spend: the vendor with its scale
and flags, amounts by category with their ancestors), so procurement knows nothing of orders.
Checkout, standing orders and every other submission pass through `policy_violations`, which
block the submission with a reason. The checkout's preview adds, through `policy_evaluate`,
warnings that inform and the quota position: what the orders do to the department's share of
its budget spent with small businesses and cooperatives.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from market.bounds import format_number, format_percent
from market.errors import DomainError
from market.models import Department
from market.money import format_rupiah
from procurement.models import MEASURES, BudgetLine, FiscalYear, Policy, SpendEntry, ledger_spent
from procurement.selectors import department_target, policy_for, reserved_categories
from procurement.services import Spend
from vendors.models import SMALL_BUSINESS_SCALES, VendorStatus


def one_decimal(value: Decimal) -> Decimal:
    """A share as shown: one decimal, rounded half-up."""
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def percent(part: int, whole: int) -> Decimal:
    """part of whole in percent, one decimal, rounded half-up; 0 when there is no whole."""
    if not whole:
        return Decimal("0.0")
    return one_decimal(Decimal(part) * 100 / whole)


def year_elapsed(fiscal_year: FiscalYear, today: datetime.date | None = None) -> Decimal:
    """How much of the fiscal year has passed by today, from 0 to 1 (a straight line)."""
    today = today or timezone.localdate()
    start, end = datetime.date(fiscal_year.year, 1, 1), datetime.date(fiscal_year.year, 12, 31)
    if today < start:
        return Decimal(0)
    if today >= end:
        return Decimal(1)
    return Decimal((today - start).days + 1) / ((end - start).days + 1)


def exact_pace(
    target: Decimal, fiscal_year: FiscalYear, today: datetime.date | None = None
) -> Decimal:
    """Where the share should be by today for a straight line to the year-end target."""
    return target * year_elapsed(fiscal_year, today)


def pace(target: Decimal, fiscal_year: FiscalYear, today: datetime.date | None = None) -> Decimal:
    """The pace as shown: one decimal, rounded half-up."""
    return one_decimal(exact_pace(target, fiscal_year, today))


def reaches(part: int, whole: int, share: Decimal) -> bool:
    """Whether `part` is at least `share` percent of `whole`, exactly: 39,95 % is shown as
    40,0 % but has not reached a 40 % target."""
    return Decimal(part) * 100 >= share * whole


@dataclass(frozen=True)
class QuotaPosition:
    """A department's spending with small businesses and cooperatives, against its budget."""

    allocated: int
    before: int
    after: int
    target: Decimal
    pace: Decimal
    exact_pace: Decimal

    @property
    def behind(self) -> bool:
        """Whether the department is, after these orders, still short of its pace."""
        return bool(self.allocated) and not reaches(self.after, self.allocated, self.exact_pace)

    @property
    def share_before(self) -> Decimal:
        return percent(self.before, self.allocated)

    @property
    def share_after(self) -> Decimal:
        return percent(self.after, self.allocated)

    def describe(self) -> str:
        return _(
            "small-business share %(before)s %% → %(after)s %% of the budget; target %(target)s %%"
        ) % {
            "before": format_percent(self.share_before),
            "after": format_percent(self.share_after),
            "target": format_number(self.target),
        }


@dataclass(frozen=True)
class Finding:
    message: str
    vendor_id: int | None = None


@dataclass(frozen=True)
class Evaluation:
    position: QuotaPosition
    violations: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)


class PolicyViolation(DomainError):
    """An order the policy does not allow; `fields["orders"]` names each vendor's order."""

    code = "policy_violation"

    def __init__(self, violations: list[Finding]):
        super().__init__(" ".join(finding.message for finding in violations))
        by_vendor: dict[str, list[str]] = {}
        for finding in violations:
            by_vendor.setdefault(str(finding.vendor_id), []).append(finding.message)
        self.fields = {"orders": by_vendor}


def counts_as_small(vendor) -> bool:
    """Whether spending with this vendor counts towards the quota (micro, small, cooperative)."""
    return vendor.scale in SMALL_BUSINESS_SCALES or vendor.is_cooperative


def quota_position(
    *, department: Department, fiscal_year: FiscalYear, adding: int = 0, today=None
) -> QuotaPosition:
    """The department's position now, and after `adding` rupiah more with small businesses."""
    allocated = (
        BudgetLine.objects.filter(department=department, fiscal_year=fiscal_year).aggregate(
            total=Sum("allocated")
        )["total"]
        or 0
    )
    spent = SpendEntry.objects.filter(department=department, fiscal_year=fiscal_year).aggregate(
        small=ledger_spent(MEASURES["small_business"])
    )["small"]
    target = department_target(department, fiscal_year)
    return QuotaPosition(
        allocated=allocated,
        before=spent,
        after=spent + adding,
        target=target,
        pace=pace(target, fiscal_year, today),
        exact_pace=exact_pace(target, fiscal_year, today),
    )


def _reserved_problem(spend: Spend, reserved: dict[str, str]) -> str | None:
    vendor = spend.vendor
    if vendor.village_id is not None and vendor.scale in SMALL_BUSINESS_SCALES:
        return None
    for path in spend.amounts_by_category:
        for slug in path.split("/"):
            if slug in reserved:
                return _(
                    "%(category)s is reserved for local micro and small businesses; "
                    "%(vendor)s is not one."
                ) % {"category": reserved[slug], "vendor": vendor.display_name}
    return None


def policy_violations(*, policy: Policy, spends: list[Spend]) -> list[Finding]:
    """What refuses the orders of one checkout (one Spend each) under the policy: read while
    the checkout holds its locks, so the quota position (only ever a warning) is not here."""
    reserved = {category.slug: category.display_name for category in reserved_categories(policy)}
    violations: list[Finding] = []
    for spend in spends:
        vendor = spend.vendor
        if vendor.status != VendorStatus.VERIFIED:
            violations.append(
                Finding(
                    _("%(vendor)s is %(status)s and cannot receive orders.")
                    % {
                        "vendor": vendor.display_name,
                        "status": vendor.get_status_display().lower(),
                    },
                    vendor.pk,
                )
            )
        if spend.total > policy.direct_purchase_ceiling:
            violations.append(
                Finding(
                    _(
                        "The order to %(vendor)s comes to %(total)s, above the direct-purchase "
                        "ceiling of %(ceiling)s; goods above it are bought by tender."
                    )
                    % {
                        "vendor": vendor.display_name,
                        "total": format_rupiah(spend.total),
                        "ceiling": format_rupiah(policy.direct_purchase_ceiling),
                    },
                    vendor.pk,
                )
            )
        if problem := _reserved_problem(spend, reserved):
            violations.append(Finding(problem, vendor.pk))
    return violations


def policy_evaluate(
    *, department: Department, fiscal_year: FiscalYear, spends: list[Spend], today=None
) -> Evaluation:
    """Check the orders of one checkout against the fiscal year's policy, with the quota
    position they would leave the department in (the checkout preview)."""
    violations = policy_violations(policy=policy_for(fiscal_year), spends=spends)
    adding = sum(spend.total for spend in spends if counts_as_small(spend.vendor))
    position = quota_position(
        department=department, fiscal_year=fiscal_year, adding=adding, today=today
    )
    warnings = []
    if position.behind:
        warnings.append(
            Finding(
                _(
                    "%(department)s is behind its pace: %(share)s %% of its budget is spent with "
                    "small businesses and cooperatives; by today it should be %(pace)s %% to reach "
                    "%(target)s %% by the end of the year."
                )
                % {
                    "department": department.code,
                    "share": format_percent(position.share_after),
                    "pace": format_percent(position.pace),
                    "target": format_number(position.target),
                }
            )
        )
    return Evaluation(position=position, violations=violations, warnings=warnings)
