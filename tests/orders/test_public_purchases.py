"""The public list of what the regency bought and from whom (/transparency/purchases/): the
purchase orders the open data publishes, readable, filtered, a page at a time, nothing private."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from market.models import Village
from orders.models import PurchaseOrder
from orders.services import transitions
from procurement.models import Policy
from tests.factories import BudgetLineFactory, DepartmentFactory, ProductFactory, VendorFactory

pytestmark = pytest.mark.django_db

ADDRESS = reverse("public-purchases")


def approved_at_once(world):
    """Orders up to Rp200 juta are approved as they are placed (the policy's threshold)."""
    Policy.objects.update_or_create(
        fiscal_year=world.line.fiscal_year, defaults={"approval_threshold": 200_000_000}
    )


def numbers(page: str) -> list[str]:
    return re.findall(r"SP/[A-Z]+/\d{4}/\d{5}", page)


def test_anyone_reads_each_approved_purchase_with_its_vendor_and_amount(client, world):
    women_led = world.besek.vendor
    women_led.trading_name = "Anyaman Bu Ros"
    women_led.save()
    bought = world.order((world.besek, "10"))[0]
    transitions.order_approve(order=bought, by=world.approver)
    waiting = world.order((world.rice, "20"))[0]  # submitted, not approved: not published yet

    response = client.get(ADDRESS)
    assert response.status_code == 200
    page = response.content.decode()
    assert numbers(page) == [bought.number]
    assert waiting.number not in page
    row = next(row for row in page.split("<tr>") if bought.number in row)
    placed = date_format(timezone.localtime(bought.created_at).date(), "SHORT_DATE_FORMAT")
    for shown in (
        placed,
        "DISDIK",
        "Anyaman Bu Ros",
        women_led.village.district.name,
        "Kecil",  # its scale
        "Dipimpin perempuan",
        "Besek",  # the category of what was bought
        "Rp45.000",
        "Disetujui",
    ):
        assert shown in row, shown
    # Nothing private of the vendor, nor the names of the people who bought.
    for private in (
        women_led.nib,
        women_led.npwp,
        women_led.phone,
        women_led.address,
        women_led.bank_account_number,
        women_led.email,
        world.requester.full_name,
        world.approver.full_name,
        world.requester.username,
    ):
        assert private not in page, private


def test_the_transparency_page_leads_to_the_list(client, world):
    assert f'href="{ADDRESS}' in client.get(reverse("transparency")).content.decode()


def test_the_list_holds_what_the_open_data_publishes(client, world):
    approved_at_once(world)
    orders = [world.order((world.besek, "1"))[0] for _ in range(3)]
    transitions.order_cancel(order=orders[1], by=world.requester, reason="Tidak jadi")
    published = client.get(
        reverse("api:public-ocds"), {"fiscal_year": world.line.fiscal_year.year}
    ).json()
    from_open_data = {release["tender"]["id"] for release in published["releases"]}
    page = client.get(ADDRESS).content.decode()
    assert set(numbers(page)) == from_open_data == {order.number for order in orders}
    assert "Dibatalkan" in page


def test_filters_narrow_the_list(client, world):
    approved_at_once(world)
    rice = world.order((world.rice, "10"))[0]
    besek = world.order((world.besek, "1"))[0]
    in_may = world.order((world.besek, "2"))[0]
    year = world.line.fiscal_year.year
    PurchaseOrder.objects.filter(pk=in_may.pk).update(
        created_at=timezone.make_aware(datetime.datetime(year, 5, 10, 9))
    )
    other_district = Village.objects.exclude(district=world.rice.vendor.village.district).first()
    world.besek.vendor.village = other_district
    world.besek.vendor.save()
    health = DepartmentFactory(code="DINKES")
    BudgetLineFactory(department=health, fiscal_year=world.line.fiscal_year)

    def listed(**filters):
        return set(numbers(client.get(ADDRESS, filters).content.decode()))

    everything = {rice.number, besek.number, in_may.number}
    assert listed() == listed(year=year) == everything
    assert listed(department="DISDIK") == everything and listed(department="DINKES") == set()
    assert listed(district=other_district.district.code) == {besek.number, in_may.number}
    assert listed(vendor_name=world.rice.vendor.legal_name.lower()) == {rice.number}
    assert listed(month=5) == {in_may.number}
    assert listed(year=year - 1) == set()


def test_bad_filters_are_named_and_never_a_server_error(client, world):
    response = client.get(
        ADDRESS, {"month": "13", "year": "x", "department": "NOPE", "before": "y"}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert {"month", "year", "department"} <= set(form.errors)
    assert client.get(ADDRESS, {"vendor_name": "x" * 101}).context["form"].errors["vendor_name"]


def test_a_page_at_a_time_newest_first_without_counting_them_all(
    client, world, django_assert_max_num_queries
):
    approved_at_once(world)
    orders = [world.order((world.besek, "1"))[0] for _ in range(55)]
    with django_assert_max_num_queries(7) as queries:
        first = client.get(ADDRESS).content.decode()
    assert not any("COUNT(" in query["sql"].upper() for query in queries.captured_queries)
    newest_first = [order.number for order in reversed(orders)]
    assert numbers(first) == newest_first[:50]
    older = re.search(r'href="\?([^"]*before=\d+)"', first)
    assert older, "a link to the older purchases"
    second = client.get(f"{ADDRESS}?{older[1].replace('&amp;', '&')}").content.decode()
    assert numbers(second) == newest_first[50:]
    assert not re.search(r'href="\?([^"]*before=\d+)"', second)


@pytest.mark.parametrize("count", [5, 30])
def test_the_list_reads_a_bounded_number_of_queries(
    client, world, django_assert_max_num_queries, count
):
    approved_at_once(world)
    for vendor_number in range(count):
        product = ProductFactory(vendor=VendorFactory(legal_name=f"UD Penjual {vendor_number}"))
        world.order((product, "1"))
    with django_assert_max_num_queries(7):
        response = client.get(ADDRESS, {"vendor_name": "penjual"})
    assert len(numbers(response.content.decode())) == count
