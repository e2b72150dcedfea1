"""Every order input has its own contract: each problem names its field and the reason, all at
once, and nothing is written."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.models import Product
from market.errors import DomainError, InvalidInput
from orders.models import CartItem, Payment, PurchaseOrder
from orders.services import payments, placing, transitions
from procurement.models import SpendEntry
from tests.factories import BudgetLineFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def shipped(world, quantity="100", shipped_quantity="60"):
    order = world.order((world.rice, quantity))[0]
    transitions.order_approve(order=order, by=world.approver)
    transitions.order_accept(order=order, by=world.rice_seller)
    line = order.lines.get()
    transitions.order_ship(
        order=order, by=world.rice_seller, quantities={line.pk: shipped_quantity}
    )
    return order, line


def receive(world, order, line, quantity, **overrides):
    values = {
        "order": order,
        "by": world.receiver,
        "quantities": {line.pk: quantity},
        "received_on": TODAY(),
        "signed_by_name": "Siti Aminah",
        **overrides,
    }
    return transitions.order_receive(**values)


def invoiced(world, quantity="100"):
    order, line = shipped(world, quantity, quantity)
    receive(world, order, line, quantity)
    transitions.order_invoice(order=order, by=world.rice_seller)
    return order


def test_adding_a_product_already_in_the_cart_adds_to_it(world):
    for quantity in ("10", "15.5"):
        placing.cart_add_item(
            user=world.requester,
            department=world.department,
            product_id=world.rice.pk,
            quantity=quantity,
        )
    assert CartItem.objects.get().quantity == Decimal("25.5")
    placing.cart_set_item(
        user=world.requester, department=world.department, product_id=world.rice.pk, quantity=12
    )
    assert CartItem.objects.get().quantity == 12


def test_the_minimum_order_is_named_with_its_product(world):
    with pytest.raises(InvalidInput) as refused:
        placing.cart_add_item(
            user=world.requester, department=world.department, product_id=world.rice.pk, quantity=5
        )
    assert refused.value.fields == {"quantity": ["Pemesanan Beras lokal paling sedikit 10 kg."]}


def test_each_vendors_order_may_go_to_its_own_budget_line(world):
    uniforms = BudgetLineFactory(department=world.department, name="Belanja Pakaian Dinas")
    orders = world.order(
        (world.rice, "100"),
        (world.besek, "10"),
        budget_lines_by_vendor={world.besek.vendor_id: uniforms},
    )
    lines = {order.vendor_id: order.budget_line for order in orders}
    assert lines == {world.rice.vendor_id: world.line, world.besek.vendor_id: uniforms}
    world.line.refresh_from_db()
    uniforms.refresh_from_db()
    assert (world.line.committed, uniforms.committed) == (1_450_000, 45_000)


def test_a_line_chosen_for_one_vendor_that_is_too_small_is_named_for_that_vendor(world):
    tiny = BudgetLineFactory(department=world.department, allocated=1_000)
    with pytest.raises(DomainError) as refused:
        world.order(
            (world.rice, "100"),
            (world.besek, "10"),
            budget_lines_by_vendor={world.besek.vendor_id: tiny},
        )
    assert list(refused.value.fields["budget_lines"]) == [str(world.besek.vendor_id)]
    assert not PurchaseOrder.objects.exists() and not SpendEntry.objects.exists()


def test_a_line_of_another_department_is_refused_per_vendor(world):
    elsewhere = BudgetLineFactory()
    with pytest.raises(InvalidInput) as refused:
        world.order((world.rice, "100"), budget_lines_by_vendor={world.rice.vendor_id: elsewhere})
    assert "budget_lines" in refused.value.fields


def test_a_product_priced_beyond_any_budget_is_refused_at_checkout(world):
    Product.objects.filter(pk=world.besek.pk).update(unit_price=2**63 - 1)
    with pytest.raises(InvalidInput) as refused:
        world.order((world.besek, "2"))
    assert "Besek bambu" in refused.value.fields["items"][0]
    assert not PurchaseOrder.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"notes": "x" * 500_000}, "notes"),
        ({"delivery_address": "x" * 501}, "delivery_address"),
        ({"delivery_date": TODAY() + datetime.timedelta(days=400)}, "delivery_date"),
        ({"delivery_date": None}, "delivery_date"),
        ({"approver": None}, "approver"),
        ({"budget_line": None}, "budget_line"),
    ],
)
def test_every_order_field_has_a_bound(world, overrides, field):
    with pytest.raises(InvalidInput) as refused:
        world.order((world.rice, "10"), **overrides)
    assert field in refused.value.fields
    assert not PurchaseOrder.objects.exists()


def test_all_bad_order_fields_are_named_at_once(world):
    with pytest.raises(InvalidInput) as refused:
        world.order(
            (world.rice, "10"),
            approver=None,
            delivery_address="",
            delivery_date=None,
            notes="x" * 2000,
        )
    assert set(refused.value.fields) == {"approver", "delivery_address", "delivery_date", "notes"}


def test_shipping_more_than_is_left_names_the_line_and_the_reason(world):
    order, line = shipped(world)
    with pytest.raises(InvalidInput) as refused:
        transitions.order_ship(order=order, by=world.rice_seller, quantities={line.pk: "41"})
    assert refused.value.fields == {
        "quantities": {str(line.pk): ["Beras lokal yang belum dikirim tinggal 40 kg."]}
    }


def test_receiving_more_than_was_shipped_says_how_much_was(world):
    order, line = shipped(world)
    with pytest.raises(InvalidInput) as refused:
        receive(world, order, line, "61", signed_by_name="")
    assert refused.value.fields["quantities"] == {
        str(line.pk): ["Beras lokal yang sudah dikirim dan belum diterima hanya 60 kg."]
    }
    assert "signed_by_name" in refused.value.fields  # every problem at once


@pytest.mark.parametrize(
    ("received_on", "message"),
    [
        (datetime.date(1900, 1, 1), "Tanggal tidak boleh sebelum"),
        (datetime.date(2020, 5, 1), "Tanggal tidak boleh sebelum"),
        (TODAY() + datetime.timedelta(days=1), "Tanggal tidak boleh sesudah"),
        (None, "Masukkan tanggal yang valid."),
    ],
)
def test_a_bast_is_dated_between_the_shipment_and_today(world, received_on, message):
    order, line = shipped(world)
    with pytest.raises(InvalidInput) as refused:
        receive(world, order, line, "10", received_on=received_on)
    assert message in refused.value.fields["received_on"][0]
    assert not order.receipts.exists()


def test_a_bast_keeps_the_receivers_remarks_and_bounds_its_text(world):
    order, line = shipped(world)
    with pytest.raises(InvalidInput) as refused:
        receive(world, order, line, "10", signed_by_name="x" * 151, condition="y" * 1001)
    assert set(refused.value.fields) == {"signed_by_name", "condition"}
    receipt = receive(world, order, line, "10", condition="Dua karung basah")
    assert receipt.condition == "Dua karung basah"


@pytest.mark.parametrize(
    ("sp2d_number", "sp2d_date", "field"),
    [
        ("", TODAY(), "sp2d_number"),
        ("x" * 61, TODAY(), "sp2d_number"),
        ("12/SP2D", datetime.date(1900, 1, 1), "sp2d_date"),
        ("12/SP2D", TODAY() - datetime.timedelta(days=1), "sp2d_date"),  # before the invoice
        ("12/SP2D", None, "sp2d_date"),
    ],
)
def test_an_sp2d_needs_a_number_and_a_date_between_the_invoice_and_today(
    world, sp2d_number, sp2d_date, field
):
    order = invoiced(world)
    with pytest.raises(InvalidInput) as refused:
        payments.order_pay(
            order=order, by=world.treasurer, sp2d_number=sp2d_number, sp2d_date=sp2d_date
        )
    assert field in refused.value.fields
    assert not Payment.objects.exists()


def test_one_sp2d_number_pays_one_invoice_a_year(world):
    first, second = invoiced(world, "10"), invoiced(world, "20")
    payments.order_pay(order=first, by=world.treasurer, sp2d_number="7/SP2D", sp2d_date=TODAY())
    with pytest.raises(InvalidInput) as refused:
        payments.order_pay(
            order=second, by=world.treasurer, sp2d_number="7/SP2D", sp2d_date=TODAY()
        )
    assert "7/SP2D" in refused.value.fields["sp2d_number"][0]
    assert Payment.objects.count() == 1


def test_an_invoice_worth_less_than_a_rupiah_is_refused_clearly(world):
    Product.objects.filter(pk=world.rice.pk).update(unit_price=100, minimum_order=Decimal("0.001"))
    order, line = shipped(world, "10", "10")
    receive(world, order, line, "0.001")  # 0.1 rupiah
    with pytest.raises(DomainError) as refused:
        transitions.order_invoice(order=order, by=world.rice_seller)
    assert refused.value.code == "nothing_to_bill"
    order.refresh_from_db()
    assert order.status == "partially_received"


def test_a_standing_order_below_the_minimum_or_outside_its_year_is_refused(world):
    today = TODAY()
    with pytest.raises(InvalidInput) as refused:
        world.standing_order(
            day_of_month=29,
            end_date=today.replace(year=today.year + 1),
            items=[placing.Item(world.rice.pk, Decimal(5))],
            lead_days=90,
        )
    fields = refused.value.fields
    assert set(fields) == {"day_of_month", "end_date", "items", "lead_days"}
    assert fields["items"] == ["Pemesanan Beras lokal paling sedikit 10 kg."]


def test_the_vendor_sees_when_an_approved_order_must_be_answered(api_as, world):
    order = world.order((world.rice, "100"))[0]
    assert (
        api_as(world.requester).get(f"/api/v1/orders/{order.pk}/").json()["response_deadline"]
        is None
    )
    transitions.order_approve(order=order, by=world.approver)
    deadline = api_as(world.rice_seller).get(f"/api/v1/orders/{order.pk}/").json()
    assert datetime.date.fromisoformat(deadline["response_deadline"]) > TODAY()


def test_the_cart_pages_quantities_change_together_or_not_at_all(world):
    for product, quantity in ((world.rice, "100"), (world.besek, "20")):
        placing.cart_add_item(
            user=world.requester,
            department=world.department,
            product_id=product.pk,
            quantity=quantity,
        )
    with pytest.raises(InvalidInput) as refused:
        placing.cart_set_quantities(
            user=world.requester,
            department=world.department,
            quantities={world.rice.pk: "50", world.besek.pk: "-3"},
        )
    assert list(refused.value.fields["quantities"]) == [str(world.besek.pk)]
    assert CartItem.objects.get(product=world.rice).quantity == 100  # nothing changed
    placing.cart_set_quantities(
        user=world.requester,
        department=world.department,
        quantities={world.rice.pk: "50", world.besek.pk: "0,000"},
    )
    assert list(CartItem.objects.values_list("product_id", "quantity")) == [(world.rice.pk, 50)]


def test_a_budget_line_for_a_vendor_not_in_the_order_is_refused(world):
    other = BudgetLineFactory(department=world.department)
    with pytest.raises(InvalidInput) as refused:
        world.order((world.rice, "100"), budget_lines_by_vendor={world.besek.vendor_id: other})
    assert list(refused.value.fields["budget_lines"]) == [str(world.besek.vendor_id)]


def test_a_standing_order_is_stopped_once(world):
    from market.errors import Conflict
    from orders.services.standing import standing_order_stop

    standing = world.standing_order()
    standing_order_stop(standing_order=standing, by=world.requester)
    with pytest.raises(Conflict):
        standing_order_stop(standing_order=standing, by=world.approver)


def test_a_receiver_is_not_shown_orders_with_nothing_left_to_receive(world):
    from orders.selectors import orders_waiting_for

    order, line = shipped(world, "100", "60")
    assert order in orders_waiting_for(world.receiver)
    receive(world, order, line, "60")  # all that was shipped; 40 kg still to come
    assert order not in orders_waiting_for(world.receiver)
    assert order in orders_waiting_for(world.rice_seller)  # the vendor has more to ship
