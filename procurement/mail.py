"""The monthly report and the quarter's behind-pace alerts, e-mailed by Celery beat.

On the 1st of each month each department's PPKs get their department's report for the month
before, and the finance officers the whole organisation's, with an Excel file attached. On the 1st
of a quarter the departments behind their pace at the quarter's end are told. Each is sent once
per period, however often the task runs (ReportDispatch).
"""

import datetime
import io

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from market.models import Department, DepartmentRole, OrganisationMembership, OrganisationRole
from market.selectors import people_of_department
from market.tabular import CONTENT_TYPES, write_table
from market.transactions import action
from procurement.models import FiscalYear, ReportDispatch
from procurement.reports import Status, compliance_by_department, compliance_table

XLSX = CONTENT_TYPES["xlsx"]


def _finance_officers() -> list[str]:
    return sorted(
        OrganisationMembership.objects.filter(role=OrganisationRole.FINANCE, user__is_active=True)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
        .distinct()
    )


def _approvers(department: Department) -> list[str]:
    people = people_of_department(department, DepartmentRole.APPROVER)
    return sorted(email for email in people.values_list("email", flat=True) if email)


def _claim(kind: str, period: datetime.date, scope: str, recipients: list[str]) -> bool:
    """Record the dispatch; False when it was made already (the task ran before)."""
    try:
        with transaction.atomic():
            ReportDispatch.objects.create(
                kind=kind, period=period, scope=scope, recipients=recipients
            )
    except IntegrityError:
        return False
    return True


def _mail(*, subject: str, template: str, context: dict, to: list[str], attachment=None) -> None:
    message = EmailMessage(
        subject=subject,
        body=render_to_string(template, context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
    )
    if attachment:
        message.attach(*attachment)
    transaction.on_commit(message.send)  # only once the dispatch is recorded


def _workbook(rows, total) -> bytes:
    header, table = compliance_table(rows, total)
    out = io.BytesIO()
    write_table(out, file_format="xlsx", header=header, rows=table, title=_("Compliance"))
    return out.getvalue()


@action
def monthly_reports_send(*, today: datetime.date) -> int:
    """Send last month's reports (on the 1st); returns how many e-mails were sent."""
    month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    fiscal_year = FiscalYear.objects.filter(year=month.year).first()
    if fiscal_year is None:
        return 0
    sent = 0
    departments = Department.objects.filter(
        is_active=True, budget_lines__fiscal_year=fiscal_year
    ).distinct()
    with translation.override(settings.LANGUAGE_CODE):
        rows, total = compliance_by_department(
            fiscal_year=fiscal_year, departments=departments, today=today
        )
        by_code = {department.code: department for department in departments}
        name = f"laporan-{month:%Y-%m}"
        for row in rows:
            to = _approvers(by_code[row.code])
            if to and _claim(ReportDispatch.Kind.MONTHLY, month, row.code, to):
                _mail(
                    subject=_("%(code)s: small-business spending, %(month)s")
                    % {"code": row.code, "month": f"{month:%m/%Y}"},
                    template="procurement/email/monthly_report.txt",
                    context={"rows": [row], "month": month},
                    to=to,
                    attachment=(f"{name}-{row.code}.xlsx", _workbook([row], None), XLSX),
                )
                sent += 1
        to = _finance_officers()
        if to and _claim(ReportDispatch.Kind.MONTHLY, month, "", to):
            _mail(
                subject=_("Small-business spending of every department, %(month)s")
                % {"month": f"{month:%m/%Y}"},
                template="procurement/email/monthly_report.txt",
                context={"rows": rows, "total": total, "month": month},
                to=to,
                attachment=(f"{name}.xlsx", _workbook(rows, total), XLSX),
            )
            sent += 1
    return sent


@action
def quarter_alerts_send(*, today: datetime.date) -> int:
    """On the 1st of a quarter, tell each department behind its pace at the quarter's end (its
    PPKs and the finance officers); returns how many alerts were sent."""
    if today.day != 1 or today.month not in (1, 4, 7, 10):
        return 0
    quarter_end = today - datetime.timedelta(days=1)
    period = quarter_end.replace(day=1)
    fiscal_year = FiscalYear.objects.filter(year=quarter_end.year).first()
    if fiscal_year is None:
        return 0
    departments = Department.objects.filter(
        is_active=True, budget_lines__fiscal_year=fiscal_year
    ).distinct()
    by_code = {department.code: department for department in departments}
    finance, sent = _finance_officers(), 0
    with translation.override(settings.LANGUAGE_CODE):
        rows, _total = compliance_by_department(
            fiscal_year=fiscal_year, departments=departments, today=quarter_end
        )
        for row in rows:
            if row.status != Status.BEHIND:
                continue
            to = sorted({*_approvers(by_code[row.code]), *finance})
            if to and _claim(ReportDispatch.Kind.BEHIND, period, row.code, to):
                _mail(
                    subject=_("%(code)s is behind its small-business target") % {"code": row.code},
                    template="procurement/email/behind_pace.txt",
                    context={"row": row, "quarter_end": quarter_end},
                    to=to,
                )
                sent += 1
    return sent
