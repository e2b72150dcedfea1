"""Every write to fiscal years and budget lines."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from market.bounds import MAX_RUPIAH, TITLE_LENGTH, rupiah_problem, text_problem
from market.errors import DomainError, InvalidInput
from market.locks import lock_rows
from market.models import Department
from market.money import format_rupiah
from market.services.audit import audit_record
from market.transactions import action
from procurement.models import (
    ACCOUNT_CODE_LENGTH,
    SPEND_EFFECTS,
    BudgetLine,
    FiscalYear,
    Policy,
    SpendEntry,
    SpendKind,
    ledger_committed,
    ledger_realised,
)
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
    fiscal_year, created = FiscalYear.objects.get_or_create(year=year)
    Policy.objects.get_or_create(fiscal_year=fiscal_year)
    if created:
        audit_record(actor=by, action="fiscal_year.open", target=fiscal_year, after={"year": year})
    return fiscal_year


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
    """Commit an order's amount on its budget line, inside the caller's action.

    Refused, naming the line, when committed + realised would exceed what was allocated.
    """
    line = budget_lines_lock([line.pk])[line.pk]
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


def order_commitment(*, line: BudgetLine, order_id: int) -> dict[str, int]:
    """What an order still has committed on a budget line, by category path ("/a/b/")."""
    rows = (
        SpendEntry.objects.filter(budget_line=line, order_id=order_id)
        .values("category_path")
        .annotate(outstanding=ledger_committed())
        .values_list("category_path", "outstanding")
    )
    return {path: amount for path, amount in rows if amount}


def _from_commitment(*, line: BudgetLine, spend: Spend, kind: str) -> BudgetLine:
    line = budget_lines_lock([line.pk])[line.pk]
    # Checked against this order's own commitment, category by category: the line's total
    # would let one order release or pay out what another order committed.
    outstanding = order_commitment(line=line, order_id=spend.order_id)
    for path, amount in spend.amounts_by_category.items():
        if amount > outstanding.get(f"/{path}/", 0):
            raise BudgetError(
                _(
                    "Order %(number)s has only %(committed)s committed for this; it cannot take "
                    "%(amount)s."
                )
                % {
                    "number": spend.order_number,
                    "committed": format_rupiah(outstanding.get(f"/{path}/", 0)),
                    "amount": format_rupiah(amount),
                },
                code="ledger_error",
            )
    _move(line, kind, spend)
    return line


def budget_release(*, line: BudgetLine, spend: Spend) -> BudgetLine:
    """Give back a commitment (rejection, decline, expiry, cancellation, undelivered rest)."""
    return _from_commitment(line=line, spend=spend, kind=SpendKind.RELEASE)


def budget_realise(*, line: BudgetLine, spend: Spend) -> BudgetLine:
    """Payment: the committed amount becomes realised spending."""
    return _from_commitment(line=line, spend=spend, kind=SpendKind.REALISE)


def budget_line_counters_from_ledger(*, line: BudgetLine) -> tuple[int, int]:
    """(committed, realised) recomputed from the ledger, to check the counters against."""
    totals = SpendEntry.objects.filter(budget_line=line).aggregate(
        committed=ledger_committed(), realised=ledger_realised()
    )
    return totals["committed"], totals["realised"]
