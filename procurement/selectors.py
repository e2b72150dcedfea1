"""Reads of budgets: what a person may see, summed in SQL."""

import datetime
from decimal import Decimal

from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from catalog.models import Category
from market.models import Department
from market.permissions import departments_visible_to
from procurement.models import (
    DEFAULT_RESERVED_CATEGORIES,
    BudgetLine,
    DepartmentTarget,
    FiscalYear,
    Holiday,
    Policy,
)


def fiscal_year_current() -> FiscalYear | None:
    """This calendar year's fiscal year, or the latest one when this year's is not open yet."""
    year = timezone.localdate().year
    return FiscalYear.objects.filter(year__lte=year).order_by("-year").first()


def policy_for(fiscal_year: FiscalYear | None) -> Policy:
    """A fiscal year's policy; its defaults when it has none yet (unsaved)."""
    policy = Policy.objects.filter(fiscal_year=fiscal_year).first() if fiscal_year else None
    return policy or Policy(fiscal_year=fiscal_year)


def department_targets_of(policy: Policy) -> dict[str, Decimal]:
    """{department code: its own target} where a department aims higher (prefetched by
    policies())."""
    return {
        target.department.code: target.small_business_target
        for target in policy.fiscal_year.department_targets.all()
    }


def policies() -> QuerySet[Policy]:
    """Every fiscal year's policy, newest first, with what is read alongside it."""
    return (
        Policy.objects.select_related("fiscal_year")
        .prefetch_related(
            "reserved_categories",
            Prefetch(
                "fiscal_year__department_targets",
                queryset=DepartmentTarget.objects.select_related("department").order_by(
                    "department__code"
                ),
            ),
        )
        .order_by("-fiscal_year__year")
    )


def reserved_categories(policy: Policy) -> QuerySet[Category]:
    """The categories a policy reserves for local small vendors (the defaults when unsaved)."""
    if policy.pk is None:
        return Category.objects.filter(slug__in=DEFAULT_RESERVED_CATEGORIES)
    return policy.reserved_categories.all()


def direct_purchase_ceiling() -> int:
    return policy_for(fiscal_year_current()).direct_purchase_ceiling


def department_target(department: Department, fiscal_year: FiscalYear) -> Decimal:
    """The department's small-business target: its own when higher, else the organisation's."""
    own = DepartmentTarget.objects.filter(department=department, fiscal_year=fiscal_year)
    return max(
        own.values_list("small_business_target", flat=True).first() or Decimal(0),
        policy_for(fiscal_year).small_business_target,
    )


def report_departments(user, code: str | None = None) -> QuerySet[Department]:
    """The active departments a person's reports and exports cover (finance officers and
    administrators: all; department staff: their own); only `code` when given, none when it is
    not theirs."""
    departments = departments_visible_to(user).filter(is_active=True)
    return departments.filter(code__iexact=code) if code else departments


def report_fiscal_year(year: int | None) -> FiscalYear | None:
    """The fiscal year a report asks for, or the current one."""
    return FiscalYear.objects.filter(year=year).first() if year else fiscal_year_current()


def budget_lines_visible_to(user, *, fiscal_year: FiscalYear | None = None) -> QuerySet[BudgetLine]:
    lines = BudgetLine.objects.filter(department__in=departments_visible_to(user))
    if fiscal_year is not None:
        lines = lines.filter(fiscal_year=fiscal_year)
    return lines.select_related("department", "fiscal_year").annotate(
        available_amount=F("allocated") - F("committed") - F("realised")
    )


def budget_lines_of_department(
    department: Department, *, fiscal_year: FiscalYear | None
) -> QuerySet[BudgetLine]:
    """A department's lines of the year with what is still available, for choosing one."""
    return (
        BudgetLine.objects.filter(department=department, fiscal_year=fiscal_year)
        .annotate(available_amount=F("allocated") - F("committed") - F("realised"))
        .order_by("account_code")
    )


def department_budget_summaries(user, *, fiscal_year: FiscalYear) -> QuerySet[Department]:
    """Each visible department with its budget totals for the year, in one query."""
    this_year = Q(budget_lines__fiscal_year=fiscal_year)
    return (
        departments_visible_to(user)
        .filter(is_active=True)
        .annotate(
            line_count=Count("budget_lines", filter=this_year),
            allocated_total=Coalesce(Sum("budget_lines__allocated", filter=this_year), 0),
            committed_total=Coalesce(Sum("budget_lines__committed", filter=this_year), 0),
            realised_total=Coalesce(Sum("budget_lines__realised", filter=this_year), 0),
        )
        .annotate(available_total=F("allocated_total") - F("committed_total") - F("realised_total"))
        .order_by("code")
    )


def holidays_between(start: datetime.date, end: datetime.date) -> set[datetime.date]:
    return set(Holiday.objects.filter(date__gt=start, date__lte=end).values_list("date", flat=True))


def working_days_after(
    start: datetime.date, days: int, holidays: set[datetime.date] | None = None
) -> datetime.date:
    """The date `days` working days after `start`: weekends and listed holidays do not count.

    Pass `holidays` when computing many deadlines, to read them once.
    """
    if holidays is None:
        holidays = holidays_between(start, start + datetime.timedelta(days=days * 3 + 14))
    current, counted = start, 0
    while counted < days:
        current += datetime.timedelta(days=1)
        if current.weekday() < 5 and current not in holidays:
            counted += 1
    return current


def working_days_between(
    start: datetime.date, end: datetime.date, holidays: set[datetime.date] | None = None
) -> int:
    """Working days after `start` up to and including `end` (negative when `end` is earlier):
    how long an invoice waited, how many days are left until a due date or it is overdue."""
    if end < start:
        return -working_days_between(end, start, holidays)
    if holidays is None:
        holidays = holidays_between(start, end)
    return working_days_table(start, end, holidays)[end]


def working_days_table(
    start: datetime.date, end: datetime.date, holidays: set[datetime.date]
) -> dict[datetime.date, int]:
    """Working days after `start` up to each day until `end`: between any two of those days
    working_days_between(a, b) is table[b] - table[a], for counting thousands of pairs with
    one pass over the days (a payment record's)."""
    table, count, day = {start: 0}, 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        count += day.weekday() < 5 and day not in holidays
        table[day] = count
    return table


def months_begun(
    fiscal_year: FiscalYear, today: datetime.date | None = None
) -> list[datetime.date]:
    """The first day of each month of the fiscal year that has begun by today."""
    today = today or timezone.localdate()
    if today.year > fiscal_year.year:
        last = 12
    else:
        last = today.month if today.year == fiscal_year.year else 0
    return [datetime.date(fiscal_year.year, month, 1) for month in range(1, last + 1)]
