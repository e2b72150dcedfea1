"""The monthly report and the quarter's behind-pace alerts, told by Celery beat through the outbox.

Each month each department's PPKs are told of their department's report for the month before, and
the finance officers of the whole organisation's; in a quarter's first month the PPKs of each
department behind its pace at the quarter's end, and the finance officers, are told. A report is
recorded once (ReportDispatch) with a notification for each person and an outbox row for each
channel they receive by, all in one transaction: nothing leaves before the commit, and the outbox
sends each message once, in its reader's language, trying again what the mail server refused. The
e-mail's figures and its Excel file are written when it is sent (report_email), from the ledger as
it stood at the end of the period.
"""

import calendar
import datetime
import io
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from market.files.tabular import CONTENT_TYPES, write_table
from market.models import Department, DepartmentRole, User
from market.selectors import finance_officers, people_of_department
from market.services.audit import audit_record
from market.services.notifications import notify
from market.transactions import action
from procurement.models import FiscalYear, ReportDispatch
from procurement.reports import Compliance, Status, compliance_by_department, compliance_table

XLSX = CONTENT_TYPES["xlsx"]
# The notices (procurement.notices) of a department's monthly report, the organisation's, an alert.
MONTHLY, MONTHLY_ALL, BEHIND = "report.monthly", "report.monthly_all", "report.behind_pace"
REPORT_NOTICES = (MONTHLY, MONTHLY_ALL, BEHIND)


@dataclass(frozen=True)
class ReportEmail:
    """What a report's e-mail carries besides its notice's words."""

    details: str
    attachments: tuple[tuple[str, bytes, str], ...] = ()


def _with_budget(fiscal_year: FiscalYear):
    return Department.objects.filter(
        is_active=True, budget_lines__fiscal_year=fiscal_year
    ).distinct()


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _last_day_of(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def _figures(
    fiscal_year: FiscalYear, departments, last_day: datetime.date
) -> tuple[list[Compliance], Compliance]:
    """The departments' positions as they stood at the end of `last_day`."""
    return compliance_by_department(
        fiscal_year=fiscal_year,
        departments=departments,
        today=last_day,
        until=_start_of(last_day + datetime.timedelta(days=1)),
    )


def _workbook(rows, total) -> bytes:
    header, table = compliance_table(rows, total)
    out = io.BytesIO()
    write_table(out, file_format="xlsx", header=header, rows=table, title=_("Compliance"))
    return out.getvalue()


def _dispatch(
    *,
    kind: str,
    period: datetime.date,
    scope: str,
    people: list[User],
    notice: str,
    params: dict,
    link: str,
) -> bool:
    """Record the report once and tell each person, in the caller's transaction; False when it
    was recorded before, or when there is nobody to tell."""
    people = list({person.pk: person for person in people}.values())
    if not people:
        return False
    try:
        with transaction.atomic():
            dispatch = ReportDispatch.objects.create(
                kind=kind, period=period, scope=scope, recipients=[person.pk for person in people]
            )
    except IntegrityError:
        return False  # recorded, and told, before
    notify(kind=notice, recipients=people, params=params, target=dispatch, link=link)
    audit_record(
        actor=None,
        action="report.dispatch",
        target=dispatch,
        after={"kind": kind, "period": period, "scope": scope, "recipients": len(people)},
    )
    return True


@action
def monthly_reports_send(*, today: datetime.date) -> int:
    """Tell of last month's reports not told yet; returns how many reports were recorded."""
    month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    fiscal_year = FiscalYear.objects.filter(year=month.year).first()
    if fiscal_year is None:
        return 0
    facts = {"period": month.isoformat(), "month": f"{month:%m/%Y}"}
    told = 0
    for department in _with_budget(fiscal_year).order_by("code"):
        told += _dispatch(
            kind=ReportDispatch.Kind.MONTHLY,
            period=month,
            scope=department.code,
            people=people_of_department(department, DepartmentRole.APPROVER),
            notice=MONTHLY,
            params={**facts, "code": department.code},
            link=reverse("report-department", args=[department.code]),
        )
    told += _dispatch(
        kind=ReportDispatch.Kind.MONTHLY,
        period=month,
        scope="",
        people=finance_officers(),
        notice=MONTHLY_ALL,
        params=facts,
        link=reverse("report-dashboard"),
    )
    return told


@action
def quarter_alerts_send(*, today: datetime.date) -> int:
    """In a quarter's first month, tell each department that was behind its pace at the end of
    the quarter before (its PPKs and the finance officers), once; returns how many were told."""
    if today.month not in (1, 4, 7, 10):
        return 0
    quarter_end = today.replace(day=1) - datetime.timedelta(days=1)
    period = quarter_end.replace(day=1)
    fiscal_year = FiscalYear.objects.filter(year=quarter_end.year).first()
    if fiscal_year is None:
        return 0
    departments = _with_budget(fiscal_year)
    by_code = {department.code: department for department in departments}
    rows, _total = _figures(fiscal_year, departments, quarter_end)
    finance, told = list(finance_officers()), 0
    for row in rows:
        if row.status != Status.BEHIND:
            continue
        told += _dispatch(
            kind=ReportDispatch.Kind.BEHIND,
            period=period,
            scope=row.code,
            people=[*people_of_department(by_code[row.code], DepartmentRole.APPROVER), *finance],
            notice=BEHIND,
            params={
                "period": period.isoformat(),
                "code": row.code,
                "date": quarter_end.isoformat(),
            },
            link=reverse("report-department", args=[row.code]),
        )
    return told


def report_email(kind: str, params: dict) -> ReportEmail:
    """The figures and the Excel file a report's e-mail carries, in the active language, from
    the ledger as it stood at the end of the report's period (the outbox's e-mail channel asks
    for them when it sends the message)."""
    period = datetime.date.fromisoformat(params["period"])
    last_day = _last_day_of(period)
    fiscal_year = FiscalYear.objects.get(year=period.year)
    if kind == MONTHLY_ALL:
        departments, name = _with_budget(fiscal_year), f"laporan-{period:%Y-%m}"
    else:
        departments = Department.objects.filter(code=params["code"])
        name = f"laporan-{period:%Y-%m}-{params['code']}"
    rows, total = _figures(fiscal_year, departments, last_day)
    if kind == BEHIND:
        context = {"row": rows[0], "quarter_end": last_day}
        return ReportEmail(render_to_string("procurement/email/behind_pace.txt", context).strip())
    if kind == MONTHLY:
        total = None  # a department's PPKs read their own row only
    context = {"rows": rows, "total": total, "month": period}
    return ReportEmail(
        render_to_string("procurement/email/monthly_report.txt", context).strip(),
        ((f"{name}.xlsx", _workbook(rows, total), XLSX),),
    )
