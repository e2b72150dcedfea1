"""Each indicator with a case that must raise it and a near miss that must not."""

from decimal import Decimal

import pytest

from integrity.indicators import (
    bunching,
    concentration,
    conflict_of_interest,
    market_price,
    shared_owner,
    split_purchase,
)
from market.models import DepartmentRole
from procurement.models import Policy
from tests.factories import member
from tests.integrity.conftest import own_vendor, paid, placed, product_of, scope_of

pytestmark = pytest.mark.django_db


# --- Split purchase ------------------------------------------------------------------------


def test_two_orders_to_one_vendor_within_the_window_that_pass_the_ceiling(market):
    product = product_of(price=1_000_000)
    first = placed(market, product, 6, days_ago=20)
    second = placed(market, product, 5, days_ago=1)
    (finding,) = split_purchase.by_vendor(scope_of(market))
    assert finding.order_ids == (first.pk, second.pk)
    assert finding.figures["total"] == 11_000_000
    assert finding.vendor_id == product.vendor_id


def test_near_miss_two_orders_together_just_under_the_ceiling(market):
    product = product_of(price=1_000_000)
    placed(market, product, 5, days_ago=20)
    placed(market, product, 5, days_ago=1)  # Rp10.000.000 together: at the ceiling, not past
    assert split_purchase.by_vendor(scope_of(market)) == []
    assert split_purchase.by_category(scope_of(market)) == []
    assert split_purchase.by_vendor_and_category_in_year(scope_of(market)) == []


def test_near_miss_orders_further_apart_than_the_window(market):
    product = product_of(price=1_000_000)
    placed(market, product, 6, days_ago=45)
    placed(market, product, 5, days_ago=1)  # 44 days apart: outside 30
    assert split_purchase.by_vendor(scope_of(market)) == []
    # ...but the same vendor and category over the year passes the ceiling.
    (finding,) = split_purchase.by_vendor_and_category_in_year(scope_of(market))
    assert finding.figures["orders"] == 2


def test_an_order_over_the_ceiling_is_no_split(market):
    product = product_of(price=1_000_000)
    placed(market, product, 9, days_ago=3)  # over the ceiling (lowered since): a tender's
    placed(market, product, 2, days_ago=1)
    Policy.objects.filter(fiscal_year=market.line.fiscal_year).update(
        direct_purchase_ceiling=8_000_000
    )
    assert split_purchase.by_vendor(scope_of(market)) == []


def test_one_category_from_several_vendors_within_the_window(market):
    one, other = product_of(price=1_000_000), product_of(price=1_000_000)
    first = placed(market, one, 6, days_ago=10)
    second = placed(market, other, 6, days_ago=2)
    assert split_purchase.by_vendor(scope_of(market)) == []
    (finding,) = split_purchase.by_category(scope_of(market))
    assert finding.order_ids == (first.pk, second.pk)
    assert set(finding.vendor_ids) == {one.vendor_id, other.vendor_id}
    assert finding.figures["category"] == "beras"


def test_refused_and_cancelled_orders_do_not_count(market):
    from orders.models import OrderStatus, PurchaseOrder

    product = product_of(price=1_000_000)
    first = placed(market, product, 6, days_ago=10)
    placed(market, product, 6, days_ago=2)
    PurchaseOrder.objects.filter(pk=first.pk).update(status=OrderStatus.REJECTED)
    assert split_purchase.by_vendor(scope_of(market)) == []


# --- Bunching ------------------------------------------------------------------------------


def test_three_orders_just_under_the_ceiling(market):
    products = [product_of(price=9_600_000) for _ in range(3)]
    orders = [
        placed(market, product, 1, days_ago=100 + i * 40) for i, product in enumerate(products)
    ]
    (finding,) = bunching.under_ceiling(scope_of(market))
    assert set(finding.order_ids) == {order.pk for order in orders}
    assert finding.figures["from"] == 9_500_001


def test_near_miss_two_orders_just_under_or_one_below_the_margin(market):
    placed(market, product_of(price=9_600_000), 1, days_ago=100)
    placed(market, product_of(price=9_900_000), 1, days_ago=50)
    placed(market, product_of(price=9_500_000), 1, days_ago=5)  # 5 % under exactly: not within
    assert bunching.under_ceiling(scope_of(market)) == []


def test_just_under_the_automatic_approval_threshold(market):
    Policy.objects.filter(fiscal_year=market.line.fiscal_year).update(approval_threshold=2_000_000)
    for days in (90, 60, 30):
        placed(market, product_of(price=1_950_000), 1, days_ago=days)
    (finding,) = bunching.under_approval_threshold(scope_of(market))
    assert finding.rule == "approval_threshold" and finding.figures["orders"] == 3


# --- Concentration -------------------------------------------------------------------------


def test_one_vendor_over_a_fifth_of_the_paid_spend(market):
    big = own_vendor()
    paid(market, big, 21_000_000)
    for _ in range(8):
        paid(market, own_vendor(), 9_875_000)
    (finding,) = concentration.vendor_share(scope_of(market))
    assert finding.vendor_id == big.pk
    assert finding.figures["share"] == "21.0"


def test_near_miss_a_vendor_at_nineteen_percent(market):
    paid(market, own_vendor(), 19_000_000)
    for _ in range(9):
        paid(market, own_vendor(), 9_000_000)
    assert concentration.vendor_share(scope_of(market)) == []
    assert concentration.index(scope_of(market)) == []


def test_near_miss_below_the_floor_of_spend(market):
    paid(market, own_vendor(), 40_000_000)  # all of it, but under Rp50.000.000
    assert concentration.vendor_share(scope_of(market)) == []
    assert concentration.index(scope_of(market)) == []


def test_a_department_buying_from_two_vendors_is_highly_concentrated(market):
    one, other = own_vendor(), own_vendor()
    paid(market, one, 40_000_000)
    paid(market, other, 30_000_000)
    (finding,) = concentration.index(scope_of(market))
    assert finding.figures["index"] == round((400 / 7) ** 2 + (300 / 7) ** 2)
    assert finding.vendor_ids == (one.pk, other.pk)


# --- Price far from the market -------------------------------------------------------------


def _prices(market, prices):
    vendor = own_vendor()
    return [placed(market, product_of(vendor, price=price), 1, days_ago=10) for price in prices]


def test_a_price_above_the_upper_fence_of_the_prices_paid(market):
    orders = _prices(market, [14_000, 14_500, 15_000, 15_000, 15_500, 16_000, 16_500, 30_000])
    (finding,) = market_price.prices_far_from_market(scope_of(market))
    assert finding.order_ids == (orders[-1].pk,)
    # Nearest ranks of 8 prices: Q1 the 2nd, Q3 the 6th; fence 16.000 + 1.5 x 1.500.
    assert finding.figures["market"] == {
        "n": 8,
        "q1": 14_500,
        "median": 15_000,
        "q3": 16_000,
        "fence": 18_250,
    }
    assert "quartiles" in finding.rule


def test_one_vendors_dear_lines_to_one_department_are_one_flag(market):
    orders = _prices(market, [14_000, 14_500, 15_000, 15_000, 15_500, 16_000, 30_000, 31_000])
    (finding,) = market_price.prices_far_from_market(scope_of(market))
    assert finding.order_ids == (orders[-2].pk, orders[-1].pk)
    assert len(finding.line_ids) == 2 and finding.figures["unit_price"] == 31_000


def test_near_miss_seven_prices_say_nothing_of_a_market(market):
    _prices(market, [14_000, 14_500, 15_000, 15_000, 15_500, 16_000, 30_000])
    from catalog.models import Product

    Product.objects.filter(category__slug="beras").update(is_active=False)
    assert market_price.prices_far_from_market(scope_of(market)) == []


def test_a_price_above_one_and_a_half_times_the_catalogues_median(market):
    from catalog.models import Product

    Product.objects.filter(pk=market.rice.pk).update(is_active=False)
    vendor = own_vendor()
    for price in (10_000, 11_000, 12_000):
        product_of(vendor, price=price)
    dear = product_of(vendor, price=18_001)
    order = placed(market, dear, 1, days_ago=3)
    Product.objects.filter(pk=dear.pk).update(is_active=False)  # withdrawn since
    (finding,) = market_price.prices_far_from_market(scope_of(market))
    assert finding.order_ids == (order.pk,) and finding.rule == "catalogue"
    assert finding.figures["catalogue"] == {"n": 3, "median": 11_000, "fence": 16_500}


# --- One owner behind several vendors, conflict of interest --------------------------------


def _sharing(market, field):
    """What the indicator finds on `field` (the world's two vendors share the factory's)."""
    return [f for f in shared_owner.shared_contacts(scope_of(market)) if f.rule == field]


def test_verified_vendors_sharing_a_bank_account(market):
    one = own_vendor(bank_account_number="5550001111")
    other = own_vendor(bank_account_number="5550001111")
    findings = [f for f in _sharing(market, "bank_account_number") if one.pk in f.vendor_ids]
    assert [f.vendor_ids for f in findings] == [(one.pk, other.pk)]
    assert findings[0].figures["shared"] == "•••• 1111"


def test_near_miss_the_same_bank_but_not_the_same_account(market):
    own_vendor(bank_name="Bank Kalbar", bank_account_number="5550001111")
    own_vendor(bank_name="Bank Kalbar", bank_account_number="5550002222")
    assert [f for f in _sharing(market, "bank_account_number") if "5550" in str(f)] == []


def test_an_address_written_two_ways_is_one_address(market):
    one = own_vendor(address="Jl. Ahmad Yani No. 05, RT 003")
    other = own_vendor(address="jalan ahmad yani nomor 5 rt 3")
    found = [f for f in _sharing(market, "address") if one.pk in f.vendor_ids]
    assert [f.vendor_ids for f in found] == [(one.pk, other.pk)]


def test_a_vendor_with_the_phone_of_the_departments_staff(market):
    vendor = own_vendor(phone="+6281299990000")
    member(DepartmentRole.RECEIVER, market.department, phone="+6281299990000", full_name="Pak Budi")
    order = placed(market, product_of(vendor, price=100_000), 1)
    (finding,) = conflict_of_interest.staff_contacts(scope_of(market))
    assert finding.vendor_id == vendor.pk and finding.order_ids == (order.pk,)
    assert finding.rule == "phone"
    assert finding.figures["staff"][0]["name"] == "Pak Budi"


def test_near_miss_the_staff_of_another_department(market):
    vendor = own_vendor(phone="+6281299990000")
    member(DepartmentRole.RECEIVER, phone="+6281299990000")  # works elsewhere
    placed(market, product_of(vendor, price=100_000), 1)
    assert conflict_of_interest.staff_contacts(scope_of(market)) == []


def test_unverified_vendors_are_not_flagged_for_sharing(market):
    from vendors.models import VendorStatus

    own_vendor(phone="+6281288880000")
    own_vendor(phone="+6281288880000", status=VendorStatus.APPLIED)
    assert [
        f
        for f in shared_owner.shared_contacts(scope_of(market))
        if f.rule == "phone" and f.figures["shared"].endswith("0000")
    ] == []


def test_decimal_policy_parameters_are_read(market):
    Policy.objects.filter(fiscal_year=market.line.fiscal_year).update(price_iqr_factor=Decimal("3"))
    _prices(market, [14_000, 14_500, 15_000, 15_000, 15_500, 16_000, 16_500, 20_000])
    from catalog.models import Product

    Product.objects.filter(category__slug="beras").update(is_active=False)
    assert market_price.prices_far_from_market(scope_of(market)) == []  # fence 20.500
