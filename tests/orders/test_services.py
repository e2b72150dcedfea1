import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.services import StockError
from market.errors import Conflict, InvalidInput, NotAllowed
from market.models import AuditEvent, DepartmentRole
from orders.models import CartItem, OrderStatus, PurchaseOrder, StandingOrderRun
from orders.services import payments, placing, transitions
from orders.services.standing import standing_order_run
from procurement.models import Holiday, SpendEntry
from procurement.services import BudgetError, budget_line_counters_from_ledger
from tests.factories import BudgetLineFactory, DepartmentFactory, member, vendor_member

pytestmark = pytest.mark.django_db


def refresh(*objects):
    for obj in objects:
        obj.refresh_from_db()


def ledger_matches(line):
    line.refresh_from_db()
    assert budget_line_counters_from_ledger(line=line) == (line.committed, line.realised)


def test_a_two_vendor_cart_becomes_two_submitted_orders(world):
    for product, quantity in ((world.rice, "100"), (world.besek, "50")):
        placing.cart_set_item(
            user=world.requester,
            department=world.department,
            product_id=product.pk,
            quantity=quantity,
        )
    world.rice.unit_price = 15_000  # prices are read again at checkout
    world.rice.save()
    orders = placing.cart_checkout(
        user=world.requester,
        department=world.department,
        budget_line=world.line,
        approver=world.approver,
        delivery_address="Kantor Dinas Pendidikan",
        delivery_date=timezone.localdate() + datetime.timedelta(days=3),
    )

    year = world.line.fiscal_year.year
    assert [order.number for order in orders] == [
        f"SP/DISDIK/{year}/00001",
        f"SP/DISDIK/{year}/00002",
    ]
    assert all(order.status == OrderStatus.SUBMITTED for order in orders)
    rice_order = next(order for order in orders if order.vendor == world.rice.vendor)
    line = rice_order.lines.get()
    assert (line.product_name, line.unit, line.unit_price, line.total) == (
        "Beras lokal",
        "kg",
        15_000,
        1_500_000,
    )
    refresh(world.rice, world.besek, world.line)
    assert (world.rice.reserved, world.besek.reserved) == (Decimal(100), Decimal(50))
    assert world.line.committed == 1_500_000 + 225_000
    assert not CartItem.objects.exists()  # the cart is emptied
    entry = SpendEntry.objects.get(order_number=rice_order.number)
    assert (entry.kind, entry.amount, entry.vendor_scale, entry.category) == (
        "commit",
        1_500_000,
        "micro",
        "beras",
    )
    assert entry.vendor_is_local and not entry.vendor_is_women_led
    assert AuditEvent.objects.filter(action="order.submit").count() == 2
    ledger_matches(world.line)


def test_line_totals_are_rounded_half_up_once(world):
    world.rice.unit_price = 3
    world.rice.save()
    order = world.order((world.rice, "10.5"))[0]
    assert order.lines.get().total == 32 and order.total == 32  # 31.5 rounds up


@pytest.mark.parametrize(
    ("quantity", "field"),
    [
        ("0", "quantity"),
        ("-5", "quantity"),
        ("5", "items"),  # below the minimum order, named with the product
        ("10.0001", "quantity"),
    ],
)
def test_bad_quantities_are_refused_and_nothing_is_written(world, quantity, field):
    with pytest.raises(InvalidInput) as refused:
        world.order((world.rice, quantity))
    assert field in refused.value.fields
    assert_nothing_written(world)


def assert_nothing_written(world):
    refresh(world.rice, world.line)
    assert not PurchaseOrder.objects.exists() and not SpendEntry.objects.exists()
    assert world.rice.reserved == 0 and world.line.committed == 0


def test_over_stock_names_the_product(world):
    with pytest.raises(StockError, match="Beras lokal") as refused:
        world.order((world.rice, "1000.001"))
    assert refused.value.field == "quantity"
    assert_nothing_written(world)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"delivery_date": timezone.localdate() - datetime.timedelta(days=1)}, "delivery_date"),
        ({"delivery_address": "  "}, "delivery_address"),
    ],
)
def test_bad_order_details_are_refused(world, overrides, field):
    with pytest.raises(InvalidInput) as refused:
        world.order((world.rice, "10"), **overrides)
    assert field in refused.value.fields
    assert_nothing_written(world)


def test_the_approver_must_be_the_departments_ppk_and_the_line_its_own(world):
    with pytest.raises(InvalidInput) as refused:
        world.order((world.rice, "10"), approver=world.receiver)
    assert "approver" in refused.value.fields
    other_line = BudgetLineFactory(department=DepartmentFactory(code="DINKES"))
    with pytest.raises(InvalidInput) as refused:
        world.order((world.rice, "10"), line=other_line)
    assert "budget_line" in refused.value.fields
    assert_nothing_written(world)


def test_only_a_requester_of_the_department_places_orders(world):
    for person in (world.approver, member(DepartmentRole.REQUESTER), vendor_member()):
        with pytest.raises(NotAllowed):
            world.order((world.rice, "10"), requester=person)
    assert_nothing_written(world)


def test_an_order_that_would_overcommit_names_the_budget_line_and_changes_nothing(world):
    world.line.allocated = 1_000_000
    world.line.save()
    with pytest.raises(BudgetError, match=world.line.account_code):
        world.order((world.rice, "10"), (world.besek, "300"))  # 145,000 + 1,350,000
    assert_nothing_written(world)
    # the number was not used up either: the next order is still 00001
    assert world.order((world.rice, "10"))[0].number.endswith("/00001")


def test_a_product_hidden_from_buyers_cannot_be_ordered(world):
    world.rice.vendor.status = "suspended"
    world.rice.vendor.save()
    with pytest.raises(InvalidInput):
        world.order((world.rice, "10"))
    assert_nothing_written(world)


def flow_to_received(world, order, ship=None, receive=None):
    transitions.order_approve(order=order, by=world.approver)
    seller = world.rice_seller if order.vendor == world.rice.vendor else world.besek_seller
    transitions.order_accept(order=order, by=seller)
    line = order.lines.get()
    transitions.order_ship(order=order, by=seller, quantities={line.pk: ship or line.quantity})
    transitions.order_receive(
        order=order,
        by=world.receiver,
        quantities={line.pk: receive or ship or line.quantity},
        received_on=timezone.localdate(),
        signed_by_name="Siti",
    )
    return seller


def test_the_whole_flow_turns_commitment_into_realisation(world):
    order = world.order((world.rice, "100"))[0]
    seller = flow_to_received(world, order)
    refresh(order, world.rice)
    assert order.status == OrderStatus.RECEIVED
    assert (world.rice.stock, world.rice.reserved) == (Decimal(900), Decimal(0))
    invoice = transitions.order_invoice(order=order, by=seller)
    assert invoice.amount == 1_450_000
    payment = payments.order_pay(
        order=order,
        by=world.treasurer,
        sp2d_number="0012/SP2D/2026",
        sp2d_date=timezone.localdate(),
    )
    assert payment.amount == 1_450_000
    transitions.order_close(order=order, by=world.requester)
    refresh(order, world.line)
    assert order.status == OrderStatus.CLOSED
    assert (world.line.committed, world.line.realised) == (0, 1_450_000)
    actions = list(
        AuditEvent.objects.filter(object_id=str(order.pk), object_type="orders.purchaseorder")
        .order_by("sequence")
        .values_list("action", flat=True)
    )
    assert actions == [
        "order.submit",
        "order.approve",
        "order.accept",
        "order.ship",
        "order.receive",
        "order.invoice",
        "order.pay",
        "order.close",
    ]
    ledger_matches(world.line)


def test_partial_shipping_and_receiving_derive_the_state_and_the_invoice(world):
    order = world.order((world.rice, "100"))[0]
    transitions.order_approve(order=order, by=world.approver)
    transitions.order_accept(order=order, by=world.rice_seller)
    line = order.lines.get()
    transitions.order_ship(order=order, by=world.rice_seller, quantities={line.pk: "60"})
    refresh(order)
    assert order.status == OrderStatus.PARTIALLY_SHIPPED
    receipt = transitions.order_receive(
        order=order,
        by=world.receiver,
        quantities={line.pk: "40.5"},
        received_on=timezone.localdate(),
        signed_by_name="Siti",
    )
    refresh(order)
    assert order.status == OrderStatus.PARTIALLY_RECEIVED and receipt.number.startswith(
        "BAST/DISDIK/"
    )
    with pytest.raises(InvalidInput):  # cannot receive more than was shipped
        transitions.order_receive(
            order=order,
            by=world.receiver,
            quantities={line.pk: "20"},
            received_on=timezone.localdate(),
            signed_by_name="Siti",
        )
    invoice = transitions.order_invoice(order=order, by=world.rice_seller)
    assert invoice.amount == 587_250 and not invoice.final  # 40.5 kg x 14,500, a termin
    refresh(world.rice, order)
    # The 40 kg not shipped are still held for this order: it goes on.
    assert world.rice.reserved == 40 and world.rice.stock == Decimal(940)
    assert order.status == OrderStatus.PARTIALLY_RECEIVED
    payments.order_pay(
        order=order, by=world.treasurer, sp2d_number="1/SP2D", sp2d_date=timezone.localdate()
    )
    refresh(world.line, order)
    assert order.status == OrderStatus.PARTIALLY_RECEIVED
    assert (world.line.committed, world.line.realised) == (1_450_000 - 587_250, 587_250)
    # The vendor stops: the PPK closes it short; 19.5 kg shipped are still to be received.
    transitions.order_close_short(order=order, by=world.approver, reason="Stok habis")
    refresh(world.rice, world.line, order)
    assert world.rice.reserved == 0 and order.status == OrderStatus.PARTIALLY_RECEIVED
    assert world.line.committed == 870_000 - 587_250  # what was shipped
    ledger_matches(world.line)


@pytest.mark.parametrize("action", ["reject", "cancel", "decline", "expire"])
def test_refusals_release_budget_and_stock(world, action):
    order = world.order((world.rice, "100"))[0]
    if action in {"decline", "expire"}:
        transitions.order_approve(order=order, by=world.approver)
    if action == "reject":
        transitions.order_reject(order=order, by=world.approver, reason="Anggaran lain")
    elif action == "cancel":
        transitions.order_cancel(order=order, by=world.requester, reason="Salah jumlah")
    elif action == "decline":
        transitions.order_decline(order=order, by=world.rice_seller, reason="Stok habis")
    else:
        transitions.order_expire(order=order)
    refresh(order, world.rice, world.line)
    assert (
        order.status
        == {
            "reject": "rejected",
            "cancel": "cancelled",
            "decline": "declined",
            "expire": "expired",
        }[action]
    )
    assert world.rice.reserved == 0 and world.line.committed == 0
    ledger_matches(world.line)


@pytest.mark.parametrize("action", ["reject", "cancel", "decline"])
def test_refusals_need_a_reason(world, action):
    order = world.order((world.rice, "100"))[0]
    if action == "decline":
        transitions.order_approve(order=order, by=world.approver)
    person = {"reject": world.approver, "cancel": world.requester, "decline": world.rice_seller}[
        action
    ]
    with pytest.raises(InvalidInput) as refused:
        getattr(transitions, f"order_{action}")(order=order, by=person, reason=" ")
    assert "reason" in refused.value.fields


def test_forbidden_transitions_are_conflicts(world):
    order = world.order((world.rice, "100"))[0]
    with pytest.raises(Conflict):
        transitions.order_accept(order=order, by=world.rice_seller)  # not approved yet
    transitions.order_approve(order=order, by=world.approver)
    with pytest.raises(Conflict):
        transitions.order_approve(order=order, by=world.approver)
    with pytest.raises(Conflict):
        transitions.order_ship(order=order, by=world.rice_seller, quantities={})
    with pytest.raises(Conflict):
        transitions.order_invoice(order=order, by=world.rice_seller)
    refresh(order)
    assert order.status == OrderStatus.APPROVED


def test_each_role_acts_only_on_its_own_step_and_department(world):
    order = world.order((world.rice, "100"))[0]
    other_department_approver = member(DepartmentRole.APPROVER)
    for person in (
        world.requester,
        world.receiver,
        world.treasurer,
        other_department_approver,
        world.rice_seller,
    ):
        with pytest.raises(NotAllowed):
            transitions.order_approve(order=order, by=person)
    transitions.order_approve(order=order, by=world.approver)
    for person in (world.besek_seller, world.approver, vendor_member()):
        with pytest.raises(NotAllowed):
            transitions.order_accept(order=order, by=person)
    transitions.order_accept(order=order, by=world.rice_seller)
    line = order.lines.get()
    with pytest.raises(NotAllowed):
        transitions.order_ship(order=order, by=world.besek_seller, quantities={line.pk: 1})
    transitions.order_ship(order=order, by=world.rice_seller, quantities={line.pk: 100})
    for person in (world.requester, member(DepartmentRole.RECEIVER), world.rice_seller):
        with pytest.raises(NotAllowed):
            transitions.order_receive(
                order=order,
                by=person,
                quantities={line.pk: 1},
                received_on=timezone.localdate(),
                signed_by_name="x",
            )
    refresh(order)
    assert order.status == OrderStatus.SHIPPED


def test_receipt_needs_a_signer_and_no_future_date(world):
    order = world.order((world.rice, "100"))[0]
    transitions.order_approve(order=order, by=world.approver)
    transitions.order_accept(order=order, by=world.rice_seller)
    line = order.lines.get()
    transitions.order_ship(order=order, by=world.rice_seller, quantities={line.pk: 100})
    with pytest.raises(InvalidInput) as refused:
        transitions.order_receive(
            order=order,
            by=world.receiver,
            quantities={line.pk: 1},
            received_on=timezone.localdate() + datetime.timedelta(days=1),
            signed_by_name=" ",
        )
    assert set(refused.value.fields) == {"received_on", "signed_by_name"}


def test_payment_needs_sp2d_and_happens_once(world):
    order = world.order((world.rice, "100"))[0]
    seller = flow_to_received(world, order)
    transitions.order_invoice(order=order, by=seller)
    with pytest.raises(InvalidInput):
        payments.order_pay(order=order, by=world.treasurer, sp2d_number="", sp2d_date=None)
    with pytest.raises(NotAllowed):
        payments.order_pay(
            order=order, by=world.approver, sp2d_number="1", sp2d_date=timezone.localdate()
        )
    payments.order_pay(
        order=order, by=world.treasurer, sp2d_number="1", sp2d_date=timezone.localdate()
    )
    with pytest.raises(Conflict):
        payments.order_pay(
            order=order, by=world.treasurer, sp2d_number="1", sp2d_date=timezone.localdate()
        )
    assert order.payments.count() == 1


def test_unanswered_orders_expire_after_three_working_days(world):
    order = world.order((world.rice, "100"))[0]
    transitions.order_approve(order=order, by=world.approver)
    friday = datetime.datetime(2026, 11, 20, 9, tzinfo=timezone.get_current_timezone())
    PurchaseOrder.objects.filter(pk=order.pk).update(approved_at=friday)
    Holiday.objects.create(date=datetime.date(2026, 11, 24), name="Cuti bersama")
    # Mon 23, (Tue 24 holiday), Wed 25, Thu 26: the third working day ends on Thursday.
    assert transitions.orders_expire_due(now=friday + datetime.timedelta(days=6)) == []
    assert transitions.orders_expire_due(now=friday + datetime.timedelta(days=7)) == [order.number]
    assert transitions.orders_expire_due(now=friday + datetime.timedelta(days=8)) == []
    refresh(order, world.rice)
    assert order.status == OrderStatus.EXPIRED and world.rice.reserved == 0


def test_a_standing_order_is_placed_once_per_period_and_failures_are_recorded(world):
    today = timezone.localdate()
    standing = world.standing_order(items=[placing.Item(world.rice.pk, Decimal(500))])
    period = today.replace(day=1)
    first = standing_order_run(standing_order=standing, period=period)
    again = standing_order_run(standing_order=standing, period=period)
    assert first.outcome == "ordered" and again.pk == first.pk
    assert PurchaseOrder.objects.filter(standing_order=standing).count() == 1

    next_period = (period + datetime.timedelta(days=32)).replace(day=1)
    second = standing_order_run(
        standing_order=standing, period=next_period
    )  # 1000 kg in stock: room for two
    assert second.outcome == "ordered"
    third = standing_order_run(
        standing_order=standing, period=(next_period + datetime.timedelta(days=32)).replace(day=1)
    )
    assert third.outcome == "failed" and "Beras lokal" in third.message
    refresh(world.rice)
    assert world.rice.reserved == Decimal(1000)
    assert StandingOrderRun.objects.filter(standing_order=standing).count() == 3
    assert PurchaseOrder.objects.filter(standing_order=standing).count() == 2


def test_actions_offered_follow_what_is_left_to_ship_and_receive(world):
    order = world.order((world.rice, "100"))[0]
    assert [a.name for a in transitions.allowed_actions(world.approver, order)] == [
        "approve",
        "reject",
        "cancel",
    ]
    assert [a.name for a in transitions.allowed_actions(world.rice_seller, order)] == []
    flow_to_received(world, order, ship="100", receive="60")
    order = PurchaseOrder.objects.prefetch_related("lines").get(pk=order.pk)
    assert [a.name for a in transitions.allowed_actions(world.rice_seller, order)] == [
        "invoice"
    ]  # nothing to ship
    assert [a.name for a in transitions.allowed_actions(world.receiver, order)] == [
        "receive"
    ]  # 40 kg shipped, not yet received


def test_the_named_ppk_approves_and_nobody_approves_their_own_order(world):
    order = world.order((world.rice, "100"))[0]
    second_ppk = member(DepartmentRole.APPROVER, world.department)
    with pytest.raises(NotAllowed):
        transitions.order_approve(order=order, by=second_ppk)
    world.requester.memberships.create(department=world.department, role=DepartmentRole.APPROVER)
    world.requester._market_roles = None
    with pytest.raises(InvalidInput) as refused:
        world.order((world.rice, "10"), approver=world.requester)
    assert "approver" in refused.value.fields


def test_quantities_with_more_than_three_decimals_are_refused_when_shipping(world):
    order = world.order((world.rice, "100"))[0]
    transitions.order_approve(order=order, by=world.approver)
    transitions.order_accept(order=order, by=world.rice_seller)
    line = order.lines.get()
    for bad in ({line.pk: "0.0004"}, {"abc": "1"}):
        with pytest.raises(InvalidInput):
            transitions.order_ship(order=order, by=world.rice_seller, quantities=bad)
    refresh(order)
    assert order.status == OrderStatus.ACCEPTED


def test_made_to_order_lines_hold_no_stock_whatever_the_product_says_later(world):
    world.rice.made_to_order = True
    world.rice.save()
    order = world.order((world.rice, "100"))[0]
    line = order.lines.get()
    assert not line.stock_held
    world.rice.made_to_order = False  # the vendor starts keeping stock
    world.rice.save()
    transitions.order_approve(order=order, by=world.approver)
    transitions.order_accept(order=order, by=world.rice_seller)
    transitions.order_ship(order=order, by=world.rice_seller, quantities={line.pk: "100"})
    refresh(world.rice)
    assert (world.rice.stock, world.rice.reserved) == (Decimal(1000), Decimal(0))


def test_a_product_holding_stock_cannot_become_made_to_order(world):
    from catalog.services import product_update

    world.order((world.rice, "100"))
    with pytest.raises(InvalidInput) as refused:
        product_update(product=world.rice, by=world.rice_seller, made_to_order=True)
    assert "made_to_order" in refused.value.fields
