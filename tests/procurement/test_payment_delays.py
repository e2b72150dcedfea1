"""How fast each department pays: working days from a complete invoice to its payment, the
median and the shares paid within the policy's goal (2) and target (5), in the compliance
report, its export and the public figures, with the regency against its goal."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from orders.models import Invoice
from orders.services import payments
from procurement.models import Holiday
from procurement.reports import PaymentDelay, compliance_by_department, compliance_table
from procurement.selectors import working_days_between, working_days_table
from tests.factories import finance_officer
from tests.orders.test_inputs import invoiced

pytestmark = pytest.mark.django_db


def working_days_before(day: datetime.date, count: int) -> datetime.date:
    while working_days_between(day, timezone.localdate()) < count:
        day -= datetime.timedelta(days=1)
    return day


def paid_after(world, days: int):
    """An invoice issued `days` working days before today, paid today."""
    order = invoiced(world)
    issued = working_days_before(timezone.localdate(), days)
    Invoice.objects.filter(order=order).update(
        issued_at=timezone.make_aware(datetime.datetime.combine(issued, datetime.time(10)))
    )
    order.refresh_from_db()
    payments.order_pay(
        order=order,
        by=world.treasurer,
        sp2d_number=f"{days}/SP2D",
        sp2d_date=timezone.localdate(),
    )
    return order


def test_the_median_and_the_shares_paid_in_time_per_department(world, api_as, client):
    for days in (1, 4, 9):
        paid_after(world, days)
    invoiced(world)  # billed, not paid: not counted
    report = api_as(finance_officer()).get("/api/v1/reports/compliance/").json()
    (disdik,) = report["departments"]
    assert disdik["payment_delay"] == {
        "due_days": 5,
        "goal_days": 2,
        "paid": 3,
        "median_days": 4.0,
        "within_goal": 33.3,
        "within_due": 66.7,
    }
    assert report["total"]["payment_delay"]["median_days"] == 4.0

    public = client.get("/api/v1/public/spend/").json()
    assert (public["payment_due_days"], public["payment_goal_days"]) == (5, 2)
    assert public["departments"][0]["median_days_to_pay"] == 4.0
    assert public["departments"][0]["paid_within_goal_share"] == 33.3
    assert public["departments"][0]["paid_within_due_share"] == 66.7
    # The world's rice vendor is micro: the regency against its goal.
    assert (public["small_vendors_paid"], public["small_vendors_within_goal"]) == (3, 33.3)
    assert public["payment_goal_share"] == 90
    page = client.get("/transparency/")
    assert "66,7 % dibayar dalam 5 hari kerja" in page.text
    assert "33,3 % dari 3 pembayaran" in page.text

    rows, total = compliance_by_department(
        fiscal_year=world.line.fiscal_year, departments=world.department.__class__.objects.all()
    )
    header, table = compliance_table(rows, total)
    assert table[0][-4:] == [3, Decimal("4.0"), Decimal("33.3"), Decimal("66.7")]
    assert len(header) == len(table[0])


def test_weekends_and_holidays_do_not_count():
    friday, tuesday = datetime.date(2026, 8, 14), datetime.date(2026, 8, 18)
    assert working_days_between(friday, tuesday) == 2
    Holiday.objects.create(date=datetime.date(2026, 8, 17), name="Hari Kemerdekaan")
    assert working_days_between(friday, tuesday) == 1
    assert working_days_between(tuesday, friday) == -1
    # The table a payment record counts its pairs with says the same.
    table = working_days_table(friday, tuesday, {datetime.date(2026, 8, 17)})
    assert (table[tuesday] - table[friday], table[friday] - table[tuesday]) == (1, -1)


def test_a_department_that_paid_nothing_yet_says_so(world, login):
    invoiced(world)
    assert PaymentDelay(5).median_days is None and PaymentDelay(5).within_due is None
    page = login(finance_officer()).get("/reports/")
    assert "belum ada yang dibayar" in page.text
