"""Every write to fiscal years and budget lines."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from market.errors import DomainError
from market.models import Department
from market.money import format_rupiah
from market.services.audit import audit_record
from procurement.models import BudgetLine, FiscalYear


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
