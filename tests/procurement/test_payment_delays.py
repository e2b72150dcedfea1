"""How fast each department pays: days from invoice to payment per order, the median and the
share paid within the policy's due days, in the compliance report, its export and the public
figures."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from orders.models import Invoice
from orders.services import payments
from procurement.reports import PaymentDelay, compliance_by_department, compliance_table
from tests.factories import finance_officer
from tests.orders.test_inputs import invoiced

pytestmark = pytest.mark.django_db


def paid_after(world, days: int):
    order = invoiced(world)
    issued = timezone.now() - datetime.timedelta(days=days)
    Invoice.objects.filter(order=order).update(issued_at=issued)
    order.refresh_from_db()
    payments.order_pay(
        order=order,
        by=world.treasurer,
        sp2d_number=f"{days}/SP2D",
        sp2d_date=timezone.localdate(),
    )
    return order


def test_the_median_and_the_share_paid_in_time_per_department(world, api_as, client):
    for days in (5, 10, 20):
        paid_after(world, days)
    invoiced(world)  # billed, not paid: not counted
    report = api_as(finance_officer()).get("/api/v1/reports/compliance/").json()
    (disdik,) = report["departments"]
    assert disdik["payment_delay"] == {
        "due_days": 14,
        "paid": 3,
        "median_days": 10.0,
        "within_due": 66.7,
    }
    assert report["total"]["payment_delay"]["median_days"] == 10.0

    public = client.get("/api/v1/public/spend/").json()
    assert public["payment_due_days"] == 14
    assert public["departments"][0]["median_days_to_pay"] == 10.0
    assert public["departments"][0]["paid_within_due_share"] == 66.7
    page = client.get("/transparency/")
    assert "66,7 % dibayar dalam 14 hari" in page.text

    rows, total = compliance_by_department(
        fiscal_year=world.line.fiscal_year, departments=world.department.__class__.objects.all()
    )
    header, table = compliance_table(rows, total)
    assert header[-3:] == [
        "Pesanan dibayar",
        "Median hari dari tagihan ke pembayaran",
        "Dibayar dalam batas hari (%)",
    ]
    assert table[0][-3:] == [3, Decimal("10.0"), Decimal("66.7")]


def test_a_department_that_paid_nothing_yet_says_so(world, login):
    invoiced(world)
    assert PaymentDelay(14).median_days is None and PaymentDelay(14).within_due is None
    page = login(finance_officer()).get("/reports/")
    assert "belum ada yang dibayar" in page.text
