"""Reads of budgets: what a person may see, summed in SQL."""

import datetime

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from market.models import Department
from market.permissions import departments_visible_to
from procurement.models import (
    BudgetLine,
    FiscalYear,
    Holiday,
    Policy,
)


def fiscal_year_current() -> FiscalYear | None:
    """This calendar year's fiscal year, or the latest one when this year's is not open yet."""
    year = timezone.localdate().year
    return FiscalYear.objects.filter(year__lte=year).order_by("-year").first()


def policy_current() -> Policy:
    """The policy of the current fiscal year; its defaults when there is none yet (unsaved)."""
    fiscal_year = fiscal_year_current()
    policy = Policy.objects.filter(fiscal_year=fiscal_year).first() if fiscal_year else None
    return policy or Policy(fiscal_year=fiscal_year)


def direct_purchase_ceiling() -> int:
    return policy_current().direct_purchase_ceiling


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
