"""The monthly report and the quarter's behind-pace alerts, e-mailed by Celery beat.

Each month each department's PPKs get their department's report for the month before, and the
finance officers the whole organisation's, with an Excel file attached; in a quarter's first month
the departments behind their pace at the quarter's end are told. The figures are as they stood at
the end of the period. Each is sent once (ReportDispatch): recorded and sent together, so a mail
that could not be sent is not recorded and goes on the next morning's run.
"""

import datetime
import io
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from market.models import Department, DepartmentRole
from market.selectors import finance_officers, people_of_department
from market.tabular import CONTENT_TYPES, write_table
from market.transactions import action
from procurement.models import FiscalYear, ReportDispatch
from procurement.reports import Status, compliance_by_department, compliance_table

XLSX = CONTENT_TYPES["xlsx"]
logger = logging.getLogger(__name__)


def _finance_officers() -> list[str]:
    return sorted(set(finance_officers().exclude(email="").values_list("email", flat=True)))


def _approvers(department: Department) -> list[str]:
    people = people_of_department(department, DepartmentRole.APPROVER)
    return sorted(email for email in people.values_list("email", flat=True) if email)


def _dispatch(
    *,
    kind: str,
    period: datetime.date,
    scope: str,
    to: list[str],
    subject: str,
    template: str,
    context: dict,
    attachment=None,
) -> bool:
    """Record the dispatch and send it, both or neither; False when it went before (or failed:
    the error is logged, and the next run tries again)."""
    message = EmailMessage(
        subject=subject,
        body=render_to_string(template, context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
    )
    if attachment:
        message.attach(*attachment)
    try:
        with transaction.atomic():
            ReportDispatch.objects.create(kind=kind, period=period, scope=scope, recipients=to)
            message.send()
    except IntegrityError:
        return False  # sent before
    except Exception:  # the mail server: not recorded, so tried again tomorrow
        logger.exception("Could not send the %s report %s %s", kind, period, scope or "(all)")
        return False
    return True


def _with_budget(fiscal_year: FiscalYear):
    return Department.objects.filter(
        is_active=True, budget_lines__fiscal_year=fiscal_year
    ).distinct()


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _workbook(rows, total) -> bytes:
    header, table = compliance_table(rows, total)
    out = io.BytesIO()
    write_table(out, file_format="xlsx", header=header, rows=table, title=_("Compliance"))
    return out.getvalue()


@action
def monthly_reports_send(*, today: datetime.date) -> int:
    """Send last month's reports not sent yet; returns how many e-mails went."""
    this_month = today.replace(day=1)
    month = (this_month - datetime.timedelta(days=1)).replace(day=1)
    fiscal_year = FiscalYear.objects.filter(year=month.year).first()
    if fiscal_year is None:
        return 0
    sent = 0
    departments = _with_budget(fiscal_year)
    with translation.override(settings.LANGUAGE_CODE):
        rows, total = compliance_by_department(
            fiscal_year=fiscal_year,
            departments=departments,
            today=this_month - datetime.timedelta(days=1),
            until=_start_of(this_month),
        )
        by_code = {department.code: department for department in departments}
        name = f"laporan-{month:%Y-%m}"
        for row in rows:
            to = _approvers(by_code[row.code])
            sent += bool(to) and _dispatch(
                kind=ReportDispatch.Kind.MONTHLY,
                period=month,
                scope=row.code,
                to=to,
                subject=_("%(code)s: small-business spending, %(month)s")
                % {"code": row.code, "month": f"{month:%m/%Y}"},
                template="procurement/email/monthly_report.txt",
                context={"rows": [row], "month": month},
                attachment=(f"{name}-{row.code}.xlsx", _workbook([row], None), XLSX),
            )
        to = _finance_officers()
        sent += bool(to) and _dispatch(
            kind=ReportDispatch.Kind.MONTHLY,
            period=month,
            scope="",
            to=to,
            subject=_("Small-business spending of every department, %(month)s")
            % {"month": f"{month:%m/%Y}"},
            template="procurement/email/monthly_report.txt",
            context={"rows": rows, "total": total, "month": month},
            attachment=(f"{name}.xlsx", _workbook(rows, total), XLSX),
        )
    return sent


@action
def quarter_alerts_send(*, today: datetime.date) -> int:
    """In a quarter's first month, tell each department that was behind its pace at the end of
    the quarter before (its PPKs and the finance officers), once; returns how many went."""
    if today.month not in (1, 4, 7, 10):
        return 0
    quarter_end = today.replace(day=1) - datetime.timedelta(days=1)
    period = quarter_end.replace(day=1)
    fiscal_year = FiscalYear.objects.filter(year=quarter_end.year).first()
    if fiscal_year is None:
        return 0
    departments = _with_budget(fiscal_year)
    by_code = {department.code: department for department in departments}
    finance, sent = _finance_officers(), 0
    with translation.override(settings.LANGUAGE_CODE):
        rows, _total = compliance_by_department(
            fiscal_year=fiscal_year,
            departments=departments,
            today=quarter_end,
            until=_start_of(quarter_end + datetime.timedelta(days=1)),
        )
        for row in rows:
            if row.status != Status.BEHIND:
                continue
            to = sorted({*_approvers(by_code[row.code]), *finance})
            sent += bool(to) and _dispatch(
                kind=ReportDispatch.Kind.BEHIND,
                period=period,
                scope=row.code,
                to=to,
                subject=_("%(code)s is behind its small-business target") % {"code": row.code},
                template="procurement/email/behind_pace.txt",
                context={"row": row, "quarter_end": quarter_end},
            )
    return sent
