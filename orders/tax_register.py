"""The treasurer's tax register: per department and month, every amount the treasurer collected
on a payment (vendor, NPWP or NIK, tax, base, rate, amount, the document and its date), the
lines the treasurer enters in the tax office's e-Bupot, and when their deposit is due.

It names vendors' NPWP and NIK: the department's treasurers and the administrators read it.
"""

import datetime
import io
from dataclasses import dataclass

from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from market.files.tabular import write_table
from market.models import Department
from orders.models import Payment, PaymentStatus
from orders.taxes import tax_number_of, withholding_lines
from procurement.selectors import holidays_between
from procurement.taxes import rules_on
from vendors.models import VendorTaxProfile


@dataclass(frozen=True)
class RegisterLine:
    paid_on: datetime.date
    vendor: str
    tax_number_kind: str  # NPWP or NIK
    tax_number: str
    tax: str
    base: int
    rate: str
    amount: int
    document: str  # the invoice's number, the document the tax was collected on
    document_date: datetime.date
    order_id: int


def _month_bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    start = month.replace(day=1)
    end = (start + datetime.timedelta(days=32)).replace(day=1)
    zone = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(start, datetime.time(), zone),
        datetime.datetime.combine(end, datetime.time(), zone),
    )


def tax_register(*, department: Department, month: datetime.date) -> list[RegisterLine]:
    """Every tax collected on the department's payments in `month`, oldest payment first: two
    queries whatever their number (the payments with their vendors, the NIKs)."""
    start, end = _month_bounds(month)
    payments = list(
        Payment.objects.filter(
            order__department=department,
            status=PaymentStatus.SUCCEEDED,
            paid_at__gte=start,
            paid_at__lt=end,
        )
        .exclude(taxes__isnull=True)
        .select_related("invoice", "order__vendor")
        .order_by("paid_at", "pk")
    )
    niks = dict(
        VendorTaxProfile.objects.filter(
            vendor_id__in={payment.order.vendor_id for payment in payments}
        ).values_list("vendor_id", "nik")
    )
    lines = []
    for payment in payments:
        vendor = payment.order.vendor
        kind, number = tax_number_of(vendor, niks.get(vendor.pk, ""))
        for withheld in withholding_lines(payment):
            lines.append(
                RegisterLine(
                    paid_on=timezone.localtime(payment.paid_at).date(),
                    vendor=vendor.legal_name,
                    tax_number_kind=kind,
                    tax_number=number,
                    tax=withheld["name"],
                    base=withheld["base"],
                    rate=withheld["rate"],
                    amount=withheld["amount"],
                    document=payment.invoice.number,
                    document_date=timezone.localtime(payment.invoice.issued_at).date(),
                    order_id=payment.order_id,
                )
            )
    return lines


def collected_by_department(month: datetime.date) -> dict[int, int]:
    """{department id: taxes collected on its payments in `month`} of the departments that
    collected any: one query."""
    start, end = _month_bounds(month)
    return dict(
        Payment.objects.filter(status=PaymentStatus.SUCCEEDED, paid_at__gte=start, paid_at__lt=end)
        .values("order__department_id")
        .annotate(collected=Sum(F("ppn_collected") + F("income_tax")))
        .filter(collected__gt=0)
        .values_list("order__department_id", "collected")
        .order_by()
    )


def deposit_due_date(month: datetime.date) -> datetime.date:
    """When what was collected in `month` is deposited: the rules' day of the next month
    (PMK 81/2024: the 15th), the next working day when that is a weekend or a holiday."""
    next_month = (month.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    due = next_month.replace(day=rules_on(next_month).deposit_day)
    holidays = holidays_between(due - datetime.timedelta(days=1), due + datetime.timedelta(20))
    while due.weekday() >= 5 or due in holidays:
        due += datetime.timedelta(days=1)
    return due


def register_xlsx(lines: list[RegisterLine], *, department: Department, month) -> bytes:
    header = [
        _("Paid on"),
        _("Vendor"),
        _("NPWP / NIK"),
        _("Tax"),
        _("Base (Rp)"),
        _("Rate"),
        _("Amount (Rp)"),
        _("Document"),
        _("Document date"),
    ]
    rows = (
        [
            line.paid_on,
            line.vendor,
            f"{line.tax_number_kind} {line.tax_number}".strip(),
            line.tax,
            line.base,
            line.rate,
            line.amount,
            line.document,
            line.document_date,
        ]
        for line in lines
    )
    out = io.BytesIO()
    write_table(
        out,
        file_format="xlsx",
        header=[str(name) for name in header],
        rows=rows,
        title=f"{department.code} {month:%Y-%m}",
    )
    return out.getvalue()
