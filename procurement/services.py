"""Every write to fiscal years and budget lines."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Category
from market.bounds import (
    MAX_RUPIAH,
    TITLE_LENGTH,
    format_number,
    parse_decimal,
    rupiah_problem,
    text_problem,
)
from market.errors import DomainError, InvalidInput, NotAllowed
from market.locks import lock_row, lock_rows
from market.models import Department
from market.money import format_rupiah
from market.permissions import roles_of
from market.services.audit import audit_changes, audit_record
from market.transactions import action
from procurement.models import (
    ACCOUNT_CODE_LENGTH,
    DEFAULT_RESERVED_CATEGORIES,
    SPEND_EFFECTS,
    BudgetLine,
    ComplianceSnapshot,
    DepartmentTarget,
    FiscalYear,
    Policy,
    SpendEntry,
    SpendKind,
    ledger_committed,
    ledger_figures,
    ledger_realised,
)
from procurement.selectors import months_begun
from vendors.models import Vendor


class BudgetError(DomainError):
    code = "budget_error"


def _line_snapshot(line: BudgetLine) -> dict:
    return {
        "department": line.department.code,
        "fiscal_year": line.fiscal_year.year,
        "account_code": line.account_code,
        "name": line.name,
        "allocated": line.allocated,
        "committed": line.committed,
        "realised": line.realised,
    }


@action
def fiscal_year_open(*, year: int, by=None) -> FiscalYear:
    """Open a fiscal year with the policy's defaults (a year already open is left as it is)."""
    fiscal_year, created = FiscalYear.objects.get_or_create(year=year)
    policy, new_policy = Policy.objects.get_or_create(fiscal_year=fiscal_year)
    if new_policy:
        policy.reserved_categories.set(
            Category.objects.filter(slug__in=DEFAULT_RESERVED_CATEGORIES)
        )
    if created:
        audit_record(actor=by, action="fiscal_year.open", target=fiscal_year, after={"year": year})
    return fiscal_year


# What an administrator may change of a policy, and how each value is bounded.
POLICY_PERCENTS = (
    "small_business_target",
    "local_target",
    "bunching_margin",
    "concentration_share",
    "quote_local_preference",
    "quote_price_tolerance",
)
POLICY_AMOUNTS = (
    "direct_purchase_ceiling",
    "stamp_duty_threshold",
    "approval_threshold",
    "card_cap",
    "concentration_floor",
)
POLICY_DAYS = {
    "vendor_response_days": (1, 30),
    "payment_due_days": (1, 90),
    "split_window_days": (1, 366),
    "price_lookback_days": (30, 1096),
    "quote_window_days": (1, 30),
}
POLICY_COUNTS = {
    "bunching_min_orders": (2, 1000),
    "concentration_hhi": (1, 10000),
    "price_min_observations": (4, 1000),
    "quote_min_offers": (1, 20),
    "negotiation_rounds": (1, 5),
}
POLICY_FACTORS = {"price_iqr_factor": (Decimal("0.5"), 10), "price_catalogue_factor": (1, 10)}


def _policy_snapshot(policy: Policy) -> dict:
    return {
        **{field: getattr(policy, field) for field in (*POLICY_PERCENTS, *POLICY_AMOUNTS)},
        **{field: getattr(policy, field) for field in (*POLICY_DAYS, *POLICY_COUNTS)},
        **{field: getattr(policy, field) for field in POLICY_FACTORS},
        "reserved_categories": sorted(policy.reserved_categories.values_list("slug", flat=True)),
    }


def _percent(value) -> Decimal | None:
    number = parse_decimal(value)
    if number.is_finite() and 0 <= number <= 100 and number.as_tuple().exponent >= -2:
        return number
    return None


def _policy_changed(policy: Policy, changes: dict) -> dict[str, list]:
    """Set `changes` on `policy` (unsaved), each value checked against its bounds and the
    automatic-approval threshold against the ceiling; the problems, by field."""
    errors: dict[str, list] = {}
    known = {
        *POLICY_PERCENTS,
        *POLICY_AMOUNTS,
        *POLICY_DAYS,
        *POLICY_COUNTS,
        *POLICY_FACTORS,
        "reserved_categories",
    }
    for field in set(changes) - known:
        errors[field] = [_("This field cannot be changed here.")]
    for field in set(changes) & set(POLICY_PERCENTS):
        if (number := _percent(changes[field])) is None:
            errors[field] = [_("Enter a percentage from 0 to 100, two decimals at most.")]
        else:
            setattr(policy, field, number)
    for field in set(changes) & set(POLICY_AMOUNTS):
        least = 1 if field == "direct_purchase_ceiling" else 0
        if problem := rupiah_problem(changes[field], least=least):
            errors[field] = [problem]
        else:
            setattr(policy, field, changes[field])
    for field, (least, most) in POLICY_DAYS.items():
        if field in changes:
            days = changes[field]
            if isinstance(days, bool) or not isinstance(days, int) or not least <= days <= most:
                errors[field] = [
                    _("Choose from %(least)s to %(most)s days.") % {"least": least, "most": most}
                ]
            else:
                setattr(policy, field, days)
    for field, (least, most) in POLICY_COUNTS.items():
        if field in changes:
            count = changes[field]
            if isinstance(count, bool) or not isinstance(count, int) or not least <= count <= most:
                errors[field] = [
                    _("Choose a whole number from %(least)s to %(most)s.")
                    % {"least": least, "most": most}
                ]
            else:
                setattr(policy, field, count)
    for field, (least, most) in POLICY_FACTORS.items():
        if field in changes:
            factor = parse_decimal(changes[field])
            if factor.is_finite() and least <= factor <= most and factor.as_tuple().exponent >= -2:
                setattr(policy, field, factor)
            else:
                errors[field] = [
                    _("Enter a number from %(least)s to %(most)s, two decimals at most.")
                    % {"least": format_number(least), "most": most}
                ]
    if "reserved_categories" in changes:
        categories = changes["reserved_categories"]
        if categories is None or not all(isinstance(item, Category) for item in categories):
            errors["reserved_categories"] = [_("Choose categories of the catalogue.")]
    amounts_given = not {"approval_threshold", "direct_purchase_ceiling"} & errors.keys()
    if amounts_given and policy.approval_threshold > policy.direct_purchase_ceiling:
        # Above the ceiling nothing is ordered: a larger amount would be a slip of the finger.
        errors["approval_threshold"] = [
            _("Approve automatically at most up to the direct-purchase ceiling, %(ceiling)s.")
            % {"ceiling": format_rupiah(policy.direct_purchase_ceiling)}
        ]
    return errors


def _target_problem(policy: Policy, target) -> str | None:
    """Why a department's own target cannot be set (None or empty removes it), or None."""
    if target in (None, ""):
        return None
    number = _percent(target)
    if number is None or number < policy.small_business_target:
        return _(
            "Enter a percentage from %(least)s to 100: a department may only aim higher than "
            "the organisation."
        ) % {"least": format_number(policy.small_business_target)}
    return None


def _departments_named(targets: dict) -> tuple[dict[str, Department], dict[str, list]]:
    """({code: department}, {code: [problem]}) of the departments a targets' dict names."""
    departments = {d.code: d for d in Department.objects.filter(code__in=list(targets))}
    return departments, {
        code: [_("No such department.")] for code in set(targets) - set(departments)
    }


def policy_problems(*, fiscal_year: FiscalYear, changes: dict, targets: dict) -> dict:
    """{field: [problem]} of changing a fiscal year's policy and departments' own targets
    ({code: target}, named department_targets): the rules policy_update and
    department_target_set keep, for the policy page's form and the API's input to name with
    their own, in one answer. A target is judged against the policy as it would become."""
    policy = Policy.objects.filter(fiscal_year=fiscal_year).first() or Policy()
    errors = _policy_changed(policy, changes)
    departments, problems = _departments_named(targets)
    for code in departments:
        if problem := _target_problem(policy, targets[code]):
            problems[code] = [problem]
    if problems:
        errors["department_targets"] = problems
    return errors


@action
def policy_update(*, fiscal_year: FiscalYear, by, **changes) -> Policy:
    """Change a fiscal year's policy (administrators); every value is bounded, every change
    audited before and after."""
    if not roles_of(by).is_platform_admin:
        raise NotAllowed(_("Only a platform administrator changes the policy."))
    policy = lock_row(Policy.objects, Policy.objects.get_or_create(fiscal_year=fiscal_year)[0].pk)
    before = _policy_snapshot(policy)
    errors = _policy_changed(policy, changes)
    if errors:
        raise InvalidInput(errors)
    policy.save()
    if "reserved_categories" in changes:
        policy.reserved_categories.set(changes["reserved_categories"])
    audit_changes(
        actor=by,
        action="policy.update",
        target=policy,
        before=before,
        after=_policy_snapshot(policy),
    )
    return policy


@action
def policy_and_targets_update(
    *, fiscal_year: FiscalYear, by, changes: dict, targets: dict
) -> Policy:
    """The policy and departments' own targets ({code: target}) together, all or nothing, every
    field's problem named at once (the policy page and PATCH /policies/{year}/)."""
    errors: dict = {}
    try:
        policy = policy_update(fiscal_year=fiscal_year, by=by, **changes)
    except InvalidInput as refused:
        errors.update(refused.fields)
        policy = None
    departments, problems = _departments_named(targets)
    for code, department in departments.items():
        try:
            department_target_set(
                fiscal_year=fiscal_year, department=department, target=targets[code], by=by
            )
        except InvalidInput as refused:
            problems[code] = refused.messages()
    if problems:
        errors["department_targets"] = problems
    if errors:
        raise InvalidInput(errors)
    return policy


@action
def department_target_set(
    *, fiscal_year: FiscalYear, department: Department, target, by
) -> DepartmentTarget | None:
    """A department's own small-business target, at or above the organisation's; None or empty
    removes it (audited only when something changes)."""
    if not roles_of(by).is_platform_admin:
        raise NotAllowed(_("Only a platform administrator changes the policy."))
    policy = Policy.objects.get_or_create(fiscal_year=fiscal_year)[0]
    existing = DepartmentTarget.objects.filter(fiscal_year=fiscal_year, department=department)
    before = {
        "small_business_target": existing.values_list("small_business_target", flat=True).first()
    }
    if target in (None, ""):
        existing.delete()
        audit_changes(
            actor=by,
            action="department_target.remove",
            target=department,
            before=before,
            after={"small_business_target": None},
        )
        return None
    if problem := _target_problem(policy, target):
        raise InvalidInput({"small_business_target": [problem]})
    number = _percent(target)
    chosen, _created = DepartmentTarget.objects.update_or_create(
        fiscal_year=fiscal_year, department=department, defaults={"small_business_target": number}
    )
    audit_changes(
        actor=by,
        action="department_target.set",
        target=department,
        before=before,
        after={"small_business_target": number},
    )
    return chosen


@action
def budget_line_create(
    *,
    department: Department,
    fiscal_year: FiscalYear,
    account_code: str,
    name: str,
    allocated: int,
    by=None,
) -> BudgetLine:
    errors = {}
    for field, problem in (
        ("account_code", text_problem(account_code, most=ACCOUNT_CODE_LENGTH)),
        ("name", text_problem(name, most=TITLE_LENGTH)),
        ("allocated", rupiah_problem(allocated, most=MAX_RUPIAH)),
    ):
        if problem:
            errors[field] = [problem]
    if errors:
        raise InvalidInput(errors)
    line = BudgetLine(
        department=department,
        fiscal_year=fiscal_year,
        account_code=account_code.strip(),
        name=name.strip(),
        allocated=allocated,
    )
    try:
        with transaction.atomic():
            line.save()
    except IntegrityError:
        raise BudgetError(
            _("%(department)s already has account %(code)s in %(year)s.")
            % {"department": department.code, "code": line.account_code, "year": fiscal_year.year},
            field="account_code",
        ) from None
    audit_record(actor=by, action="budget_line.create", target=line, after=_line_snapshot(line))
    return line


@action
def budget_line_set_allocation(*, line: BudgetLine, allocated: int, by=None) -> BudgetLine:
    """Change an allocation; it may not drop below what is already committed and realised."""
    problem = rupiah_problem(allocated, most=MAX_RUPIAH)
    if problem:
        raise InvalidInput({"allocated": [problem]})
    line = budget_lines_lock([line.pk])[line.pk]
    before = _line_snapshot(line)
    spent = line.committed + line.realised
    if allocated < spent:
        raise BudgetError(
            _(
                "Budget line %(line)s already has %(spent)s committed and realised; "
                "the allocation cannot be lower."
            )
            % {"line": f"{line.account_code} {line.name}", "spent": format_rupiah(spent)},
            field="allocated",
        )
    line.allocated = allocated
    line.save(update_fields=["allocated"])
    audit_record(
        actor=by,
        action="budget_line.set_allocation",
        target=line,
        before=before,
        after=_line_snapshot(line),
    )
    return line


@dataclass(frozen=True)
class Spend:
    """What a budget movement is about: an order of one vendor, split by product category.

    Categories are given as paths from the top of the tree, "parent/child", so that the ledger
    keeps each entry's ancestors too.
    """

    order_id: int
    order_number: str
    vendor: Vendor
    amounts_by_category: dict[str, int]  # category path -> whole rupiah
    # When the vendor billed it: a realisation keeps it, for how long paying took.
    billed_at: datetime.datetime | None = None

    @property
    def total(self) -> int:
        return sum(self.amounts_by_category.values())


def budget_lines_lock(line_ids) -> dict[int, BudgetLine]:
    """Lock budget lines (market.locks: after products, before purchase orders).

    Only the lines: not the fiscal year and department they are read with, which every budget
    movement in the organisation shares.
    """
    return {
        line.pk: line
        for line in lock_rows(
            BudgetLine.objects.select_related("department", "fiscal_year"), line_ids
        )
    }


VENDOR_SNAPSHOT = (
    "vendor_id",
    "vendor_name",
    "vendor_scale",
    "vendor_is_local",
    "vendor_in_priority_area",
    "vendor_is_women_led",
    "vendor_is_cooperative",
    "vendor_district",
)


def _vendor_snapshot(vendor: Vendor) -> dict:
    """What the quota rules and reports need of a vendor, as it is now."""
    village = vendor.village
    return {
        "vendor_id": vendor.pk,
        "vendor_name": vendor.display_name,
        "vendor_scale": vendor.scale,
        "vendor_is_local": village is not None,
        "vendor_in_priority_area": bool(village and village.is_priority),
        "vendor_is_women_led": vendor.is_women_led,
        "vendor_is_cooperative": vendor.is_cooperative,
        "vendor_district": village.district.code if village else "",
    }


def _committed_snapshot(line: BudgetLine, spend: Spend) -> dict:
    """The vendor as the order's commitment recorded it: a release, payment or refund counts
    against the same measures the commitment counted towards, whatever the vendor has become
    since (a new village, another scale), so that no share keeps money that has left."""
    snapshot = (
        SpendEntry.objects.filter(budget_line=line, order_id=spend.order_id, kind=SpendKind.COMMIT)
        .values(*VENDOR_SNAPSHOT)
        .first()
    )
    return snapshot or _vendor_snapshot(spend.vendor)


def _write_entries(*, kind: str, line: BudgetLine, spend: Spend) -> None:
    if kind == SpendKind.COMMIT:
        snapshot = _vendor_snapshot(spend.vendor)
    else:
        snapshot = _committed_snapshot(line, spend)
    now = timezone.now()
    SpendEntry.objects.bulk_create(
        SpendEntry(
            kind=kind,
            amount=amount,
            budget_line=line,
            department_id=line.department_id,
            fiscal_year_id=line.fiscal_year_id,
            occurred_at=now,
            order_number=spend.order_number,
            order_id=spend.order_id,
            billed_at=spend.billed_at if kind == SpendKind.REALISE else None,
            **snapshot,
            category=path.rsplit("/", 1)[-1],
            category_path=f"/{path}/",
        )
        for path, amount in sorted(spend.amounts_by_category.items())
        if amount > 0
    )


def _move(line: BudgetLine, kind: str, spend: Spend) -> None:
    """Write the ledger's entries and move the line's counters by the kind's signs."""
    to_committed, to_realised = SPEND_EFFECTS[kind]
    line.committed += to_committed * spend.total
    line.realised += to_realised * spend.total
    line.save(update_fields=["committed", "realised"])
    _write_entries(kind=kind, line=line, spend=spend)


def budget_commit(*, line: BudgetLine, spend: Spend) -> BudgetLine:
    """Commit an order's amount on its budget line, inside the caller's action, which holds
    the line's lock: `line` is the row budget_lines_lock returned (its counters as locked).

    Refused, naming the line, when committed + realised would exceed what was allocated.
    """
    if not line.fiscal_year.is_open:
        raise BudgetError(
            _("Fiscal year %(year)s is closed for spending.") % {"year": line.fiscal_year.year},
            field="budget_line",
        )
    if spend.total > line.available:
        raise BudgetError(
            _("Budget line %(line)s has %(available)s available; this order needs %(needed)s.")
            % {
                "line": f"{line.account_code} {line.name}",
                "available": format_rupiah(line.available),
                "needed": format_rupiah(spend.total),
            },
            code="budget_exceeded",
            field="budget_line",
        )
    _move(line, SpendKind.COMMIT, spend)
    return line


def _order_amounts(*, line: BudgetLine, order_id: int, expression) -> dict[str, int]:
    rows = (
        SpendEntry.objects.filter(budget_line=line, order_id=order_id)
        .values("category_path")
        .annotate(outstanding=expression)
        .values_list("category_path", "outstanding")
    )
    return {path: amount for path, amount in rows if amount}


def order_commitment(*, line: BudgetLine, order_id: int) -> dict[str, int]:
    """What an order still has committed on a budget line, by category path ("/a/b/")."""
    return _order_amounts(line=line, order_id=order_id, expression=ledger_committed())


def order_realisation(*, line: BudgetLine, order_id: int) -> dict[str, int]:
    """What an order has had paid out on a budget line (less refunds), by category path."""
    return _order_amounts(line=line, order_id=order_id, expression=ledger_realised())


def _take(*, line: BudgetLine, spend: Spend, kind: str) -> BudgetLine:
    line = budget_lines_lock([line.pk])[line.pk]
    # Checked against this order's own entries, category by category: the line's total would
    # let one order release, pay out or refund what belongs to another order.
    if kind == SpendKind.REFUND:
        available = order_realisation(line=line, order_id=spend.order_id)
        message = _(
            "Order %(number)s has only %(committed)s paid for this; it cannot take %(amount)s."
        )
    else:
        available = order_commitment(line=line, order_id=spend.order_id)
        message = _(
            "Order %(number)s has only %(committed)s committed for this; it cannot take %(amount)s."
        )
    for path, amount in spend.amounts_by_category.items():
        if amount > available.get(f"/{path}/", 0):
            raise BudgetError(
                message
                % {
                    "number": spend.order_number,
                    "committed": format_rupiah(available.get(f"/{path}/", 0)),
                    "amount": format_rupiah(amount),
                },
                code="ledger_error",
            )
    _move(line, kind, spend)
    return line


def budget_release(*, line: BudgetLine, spend: Spend) -> BudgetLine:
    """Give back a commitment (rejection, decline, expiry, cancellation, undelivered rest)."""
    return _take(line=line, spend=spend, kind=SpendKind.RELEASE)


def budget_realise(*, line: BudgetLine, spend: Spend) -> BudgetLine:
    """Payment: the committed amount becomes realised spending."""
    return _take(line=line, spend=spend, kind=SpendKind.REALISE)


def budget_refund(*, line: BudgetLine, spend: Spend) -> BudgetLine:
    """Money paid for an order comes back: its realised spending falls, and the budget is free
    again. Never more than the order was paid, category by category."""
    return _take(line=line, spend=spend, kind=SpendKind.REFUND)


def budget_line_counters_from_ledger(*, line: BudgetLine) -> tuple[int, int]:
    """(committed, realised) recomputed from the ledger, to check the counters against."""
    totals = SpendEntry.objects.filter(budget_line=line).aggregate(
        committed=ledger_committed(), realised=ledger_realised()
    )
    return totals["committed"], totals["realised"]


@action
def compliance_snapshots_refresh(*, fiscal_year: FiscalYear, today=None) -> int:
    """Store each department's position at the end of each month so far (nightly; safe to
    repeat): the month under way and the one just ended are written again, earlier months only
    when missing, so that they keep the budget as it was then (a revised allocation later in
    the year does not rewrite them).

    The snapshots are derived from the ledger, which is audited: they are not audited again.
    """
    today = today or timezone.localdate()
    allocated = dict(
        BudgetLine.objects.filter(fiscal_year=fiscal_year)
        .values("department_id")
        .annotate(total=Sum("allocated"))
        .values_list("department_id", "total")
    )
    kept = set(
        ComplianceSnapshot.objects.filter(fiscal_year=fiscal_year).values_list(
            "department_id", "month"
        )
    )
    months = months_begun(fiscal_year, today)
    settled = months[:-2]  # before the month just ended
    empty = dict.fromkeys(ledger_figures(), 0)
    written = 0
    for month in months:
        end = (month + datetime.timedelta(days=32)).replace(day=1)
        until = timezone.make_aware(datetime.datetime.combine(end, datetime.time.min))
        departments = allocated.keys()
        if month in settled:
            departments = {pk for pk in departments if (pk, month) not in kept}
            if not departments:
                continue
        figures = {
            row.pop("department_id"): row
            for row in SpendEntry.objects.filter(fiscal_year=fiscal_year, occurred_at__lt=until)
            .values("department_id")
            .annotate(**ledger_figures())
            .order_by()
        }
        # Every department with a budget (none spends without one) has a point each month.
        for department_id in departments:
            ComplianceSnapshot.objects.update_or_create(
                department_id=department_id,
                month=month,
                defaults={
                    "fiscal_year": fiscal_year,
                    "allocated": allocated.get(department_id, 0),
                    **figures.get(department_id, empty),
                },
            )
            written += 1
    return written


def compliance_snapshots_refresh_nightly(*, today=None) -> int:
    """The nightly refresh: this year's snapshots and, in January, last year's too, whose
    December ends only after its last nightly run."""
    today = today or timezone.localdate()
    years = [today.year - 1, today.year] if today.month == 1 else [today.year]
    return sum(
        compliance_snapshots_refresh(fiscal_year=fiscal_year, today=today)
        for fiscal_year in FiscalYear.objects.filter(year__in=years).order_by("year")
    )
