"""The treasurer's tax register: every tax collected in a month, as a page, an Excel file and
through the API, for the department's treasurers only; when it is to be deposited, and the
reminder five working days before."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from market.models import DepartmentRole, Notification
from orders.models import Payment
from orders.services.reminders import tax_deposit_reminders_send
from orders.tax_register import deposit_due_date
from procurement.models import Holiday
from tests.factories import member
from tests.orders.test_taxes_on_payment import delivered, pay

pytestmark = pytest.mark.django_db
NOVEMBER = datetime.datetime(2026, 11, 20, 10, tzinfo=datetime.UTC)


@pytest.fixture
def collected(world, tailor):
    """Two payments of uniforms in November 2026, each with PPN and PPh 22 collected."""
    product, seller = tailor
    for number in range(2):
        order, [invoice] = delivered(world, product, seller)
        pay(world, order, invoice, f"{number}/SP2D")
    Payment.objects.update(paid_at=NOVEMBER)
    return product.vendor


def test_the_treasurer_reads_the_months_lines_and_downloads_them(
    login, world, collected, django_assert_max_num_queries
):
    page = login(world.treasurer)
    query = {"department": "DISDIK", "month": "2026-11"}
    with django_assert_max_num_queries(12):
        answer = page.get(reverse("tax-register"), query)
    html = answer.content.decode()
    table = html.split("<tbody>")[1].split("</tbody>")[0]
    assert table.count("PPh Pasal 22") == 2 and table.count("Rp1.100.000") == 2
    assert f"NPWP {collected.npwp}" in html
    assert "Rp2.200.000" in html and "Rp300.000" in html  # the totals per tax
    assert "Setor paling lambat 15 Des. 2026" in html
    download = page.get(reverse("tax-register"), {**query, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(download.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + 4
    assert {row[3] for row in rows[1:]} == {"PPN", "PPh Pasal 22"}
    assert sum(row[6] for row in rows[1:]) == 2 * (1_100_000 + 150_000)


def test_only_the_departments_treasurers_read_it(login, api_as, world, collected):
    for outsider in (world.requester, world.approver, member(DepartmentRole.TREASURER)):
        assert login(outsider).get(reverse("tax-register")).status_code in (200, 404)
        answer = api_as(outsider).get(
            reverse("api:tax-register"), {"department": "DISDIK", "month": "2026-11"}
        )
        assert answer.status_code == 404
    assert login(world.requester).get(reverse("tax-register")).status_code == 404
    answer = api_as(world.treasurer).get(
        reverse("api:tax-register"), {"department": "DISDIK", "month": "2026-11"}
    )
    body = answer.json()
    assert (body["deposit_due"], body["total"]) == ("2026-12-15", 2_500_000)
    assert body["lines"][0]["tax_number_kind"] == "NPWP"


def test_a_month_that_is_not_one_is_named(api_as, login, world):
    answer = api_as(world.treasurer).get(
        reverse("api:tax-register"), {"department": "DISDIK", "month": "November"}
    )
    assert answer.status_code == 400 and "month" in answer.json()["error"]["fields"]
    page = login(world.treasurer).get(reverse("tax-register"), {"month": "2026-13"})
    assert page.status_code == 200 and "month" in page.context["form"].errors


def test_the_deposit_is_due_on_the_15th_or_the_next_working_day():
    assert deposit_due_date(datetime.date(2026, 11, 1)) == datetime.date(2026, 12, 15)
    # 15 August 2026 is a Saturday, and the 17th Independence Day.
    Holiday.objects.create(date=datetime.date(2026, 8, 17), name="Hari Kemerdekaan")
    assert deposit_due_date(datetime.date(2026, 7, 1)) == datetime.date(2026, 8, 18)


def test_the_treasurers_are_reminded_once_five_working_days_before(world, collected):
    second = member(DepartmentRole.TREASURER, world.department)
    assert tax_deposit_reminders_send(today=datetime.date(2026, 12, 7)) == 0  # 6 working days
    assert tax_deposit_reminders_send(today=datetime.date(2026, 12, 8)) == 1
    told = Notification.objects.filter(kind="taxes.deposit_due")
    assert {notification.recipient for notification in told} == {world.treasurer, second}
    assert told.first().params["amount"] == 2_500_000
    assert tax_deposit_reminders_send(today=datetime.date(2026, 12, 9)) == 0  # told already
