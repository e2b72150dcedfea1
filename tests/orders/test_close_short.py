"""Closing short: the vendor stopped delivering; the PPK ends the order, the rest not shipped
goes back to stock and budget, and what was shipped is received, billed and paid as usual."""

from decimal import Decimal

import pytest
from django.utils import timezone

from market.errors import DomainError
from market.models import AuditEvent, Notification
from orders.models import OrderStatus
from orders.services import payments, transitions
from procurement.services import budget_line_counters_from_ledger
from tests.orders.test_api import act
from tests.orders.test_inputs import receive, shipped

pytestmark = pytest.mark.django_db


def test_the_ppk_closes_short_and_the_shipped_part_is_billed_and_paid(world, api_as):
    order, line = shipped(world, "100", "60")
    world.rice.refresh_from_db()
    reserved_before = world.rice.reserved
    assert act(api_as(world.rice_seller), order.pk, "close_short", reason="x").status_code == 403
    assert act(api_as(world.requester), order.pk, "close_short", reason="x").status_code == 403
    no_reason = act(api_as(world.approver), order.pk, "close_short", reason=" ")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["error"]["fields"]

    closed = act(
        api_as(world.approver), order.pk, "close_short", reason="Penyedia berhenti mengirim"
    )
    assert closed.status_code == 200, closed.json()
    assert closed.json()["status"] == "shipped"
    line.refresh_from_db(), world.rice.refresh_from_db(), world.line.refresh_from_db()
    assert line.cancelled_quantity == Decimal(40)
    assert world.rice.reserved == reserved_before - 40  # the 40 kg never shipped are free again
    assert world.line.committed == 870_000  # 60 kg x Rp14.500 stays committed
    event = AuditEvent.objects.get(action="order.close_short")
    assert event.actor == world.approver and event.after["reason"] == "Penyedia berhenti mengirim"
    assert event.after["amount"] == 580_000
    told = Notification.objects.get(kind="order.closed_short", recipient=world.rice_seller)
    assert (
        told.params["amount"] == 580_000 and told.params["reason"] == "Penyedia berhenti mengirim"
    )
    with pytest.raises(DomainError):  # nothing is left to ship
        transitions.order_ship(order=order, by=world.rice_seller, quantities={line.pk: "1"})

    receive(world, order, line, "60")
    order.refresh_from_db()
    assert order.status == OrderStatus.RECEIVED
    invoice = transitions.order_invoice(order=order, by=world.rice_seller)
    assert invoice.amount == 870_000
    payments.order_pay(
        order=order, by=world.treasurer, sp2d_number="5/SP2D", sp2d_date=timezone.localdate()
    )
    world.line.refresh_from_db()
    assert (world.line.committed, world.line.realised) == (0, 870_000)
    assert budget_line_counters_from_ledger(line=world.line) == (0, 870_000)


def test_closing_short_after_a_partial_receipt_leaves_the_shipped_rest_to_receive(world):
    order, line = shipped(world, "100", "60")
    receive(world, order, line, "30")
    transitions.order_close_short(order=order, by=world.approver, reason="Tidak ada kabar")
    order.refresh_from_db()
    assert order.status == OrderStatus.PARTIALLY_RECEIVED
    receive(world, order, line, "30")
    order.refresh_from_db()
    assert order.status == OrderStatus.RECEIVED
    assert transitions.order_invoice(order=order, by=world.rice_seller).amount == 870_000


def test_only_a_partly_delivered_order_can_be_closed_short(world):
    (order,) = world.order((world.rice, "100"))
    transitions.order_approve(order=order, by=world.approver)
    with pytest.raises(DomainError):
        transitions.order_close_short(order=order, by=world.approver, reason="Terlalu lama")
    order.refresh_from_db()
    assert [a.name for a in transitions.allowed_actions(world.approver, order)] == ["cancel"]
