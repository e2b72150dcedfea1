"""Every write to fiscal years and budget lines."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from market.errors import DomainError
from market.models import Department
from market.money import format_rupiah
from market.services.audit import audit_record
from procurement.models import BudgetLine, FiscalYear, Policy, SpendEntry, SpendKind
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


@transaction.atomic
def fiscal_year_open(*, year: int, by=None) -> FiscalYear:
    fiscal_year, created = FiscalYear.objects.get_or_create(year=year)
    Policy.objects.get_or_create(fiscal_year=fiscal_year)
    if created:
        audit_record(actor=by, action="fiscal_year.open", target=fiscal_year, after={"year": year})
    return fiscal_year


@transaction.atomic
def budget_line_create(
    *,
    department: Department,
    fiscal_year: FiscalYear,
    account_code: str,
    name: str,
    allocated: int,
    by=None,
) -> BudgetLine:
    if allocated < 0:
        raise BudgetError(_("An allocation cannot be negative."), field="allocated")
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


@transaction.atomic
def budget_line_set_allocation(*, line: BudgetLine, allocated: int, by=None) -> BudgetLine:
    """Change an allocation; it may not drop below what is already committed and realised."""
    line = (
        BudgetLine.objects.select_for_update()
        .select_related("department", "fiscal_year")
        .get(pk=line.pk)
    )
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
    """What a budget movement is about: an order of one vendor, split by product category."""

    order_id: int
    order_number: str
    vendor: Vendor
    amounts_by_category: dict[str, int]  # category slug -> whole rupiah

    @property
    def total(self) -> int:
        return sum(self.amounts_by_category.values())


def _lock_line(line: BudgetLine) -> BudgetLine:
    return (
        BudgetLine.objects.select_for_update()
        .select_related("department", "fiscal_year")
        .get(pk=line.pk)
    )


def _write_entries(*, kind: str, line: BudgetLine, spend: Spend) -> None:
    vendor, now = spend.vendor, timezone.now()
    village = vendor.village
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
            vendor_id=vendor.pk,
            vendor_name=vendor.display_name,
            vendor_scale=vendor.scale,
            vendor_is_local=village is not None,
            vendor_in_priority_area=bool(village and village.is_priority),
            vendor_is_women_led=vendor.is_women_led,
            vendor_is_cooperative=vendor.is_cooperative,
            vendor_district=village.district.code if village else "",
            category=category,
        )
        for category, amount in sorted(spend.amounts_by_category.items())
        if amount > 0
    )


def budget_commit(*, line: BudgetLine, spend: Spend) -> BudgetLine:
    """Commit an order's amount on its budget line, inside the caller's transaction.

    Refused, naming the line, when committed + realised would exceed what was allocated.
    """
    with transaction.atomic():
        line = _lock_line(line)
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
        line.committed += spend.total
        line.save(update_fields=["committed"])
        _write_entries(kind=SpendKind.COMMIT, line=line, spend=spend)
    return line


def _from_commitment(*, line: BudgetLine, spend: Spend, kind: str) -> BudgetLine:
    with transaction.atomic():
        line = _lock_line(line)
        if spend.total > line.committed:
            raise BudgetError(
                _("Cannot take more from the commitment than is committed."), code="ledger_error"
            )
        line.committed -= spend.total
        if kind == SpendKind.REALISE:
            line.realised += spend.total
        line.save(update_fields=["committed", "realised"])
        _write_entries(kind=kind, line=line, spend=spend)
    return line


def budget_release(*, line: BudgetLine, spend: Spend) -> BudgetLine:
    """Give back a commitment (rejection, decline, expiry, cancellation, undelivered rest)."""
    return _from_commitment(line=line, spend=spend, kind=SpendKind.RELEASE)


def budget_realise(*, line: BudgetLine, spend: Spend) -> BudgetLine:
    """Payment: the committed amount becomes realised spending."""
    return _from_commitment(line=line, spend=spend, kind=SpendKind.REALISE)


def budget_line_counters_from_ledger(*, line: BudgetLine) -> tuple[int, int]:
    """(committed, realised) recomputed from the ledger, to check the counters against."""
    totals = dict(
        SpendEntry.objects.filter(budget_line=line)
        .values_list("kind")
        .annotate(total=Sum("amount"))
        .values_list("kind", "total")
    )
    commit, release = totals.get(SpendKind.COMMIT, 0), totals.get(SpendKind.RELEASE, 0)
    realise, refund = totals.get(SpendKind.REALISE, 0), totals.get(SpendKind.REFUND, 0)
    return commit - release - realise, realise - refund
