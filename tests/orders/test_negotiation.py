"""Negotiating a submitted order's prices (orders.services.negotiation): the rounds, the rules
of each price, whose move it is, approval waiting, and the ledger following the agreed total."""

import pytest

from market.errors import Conflict, InvalidInput, NotAllowed
from market.models import AuditEvent, DepartmentRole, Notification
from orders.models import Negotiation, NegotiationStatus, OrderStatus
from orders.selectors import order_timeline, orders_visible_to, vendor_inbox
from orders.services import transitions
from orders.services.negotiation import (
    negotiation_accept,
    negotiation_counter,
    negotiation_decline,
    negotiation_propose,
    negotiation_withdraw,
)
from procurement.models import Policy
from procurement.services import budget_line_counters_from_ledger, order_commitment
from tests.factories import member, vendor_member

pytestmark = pytest.mark.django_db


def rice_order(world, quantity="100"):
    """100 kg of rice at Rp14.500: Rp1.450.000, submitted, waiting for the PPK."""
    (order,) = world.order((world.rice, quantity))
    assert order.status == OrderStatus.SUBMITTED
    return order


def committed_for(order) -> int:
    return sum(order_commitment(line=order.budget_line, order_id=order.pk).values())


def ledger_matches(world):
    world.line.refresh_from_db()
    assert budget_line_counters_from_ledger(line=world.line) == (
        world.line.committed,
        world.line.realised,
    )


def line_of(order):
    return order.lines.get()


def test_the_vendor_accepts_a_proposal_and_the_order_and_its_commitment_follow(world):
    order = rice_order(world)
    line = line_of(order)
    negotiation_propose(order=order, by=world.requester, prices={str(line.pk): 13_333})
    negotiation = negotiation_accept(order=order, by=world.rice_seller)
    order.refresh_from_db()
    line.refresh_from_db()
    assert negotiation.status == NegotiationStatus.AGREED
    assert line.unit_price == 13_333 and line.total == 1_333_300
    assert order.total == 1_333_300 and order.status == OrderStatus.SUBMITTED
    assert negotiation.listed_total == 1_450_000 and negotiation.agreed_total == 1_333_300
    assert committed_for(order) == order.total
    world.line.refresh_from_db()
    assert world.line.committed == order.total
    ledger_matches(world)
    # The PPK may approve now, at the agreed total.
    transitions.order_approve(order=order, by=world.approver)
    order.refresh_from_db()
    assert order.status == OrderStatus.APPROVED and order.total == 1_333_300


def test_the_full_two_round_flow_ends_at_the_vendors_counter(world):
    order = rice_order(world, "10.5")  # 10,5 kg: line totals rounded half-up once
    line = line_of(order)
    negotiation_propose(order=order, by=world.requester, prices={line.pk: 12_000})
    negotiation_counter(order=order, by=world.rice_seller, prices={line.pk: 14_000}, answering=1)
    negotiation_propose(order=order, by=world.requester, prices={line.pk: "13.001"}, answering=1)
    negotiation_counter(order=order, by=world.rice_seller, prices={line.pk: 13_501})
    negotiation = negotiation_accept(order=order, by=world.requester, answering=2)
    order.refresh_from_db()
    line.refresh_from_db()
    assert negotiation.rounds.count() == 2
    assert line.unit_price == 13_501
    assert line.total == 141_761  # 10,5 kg at Rp13.501 is Rp141.760,5: rounded half-up once
    assert order.total == 141_761 == committed_for(order)
    ledger_matches(world)
    actions = list(
        AuditEvent.objects.filter(object_id=str(order.pk), action__contains="negotiation")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "order.negotiation_propose",
        "order.negotiation_counter",
        "order.negotiation_propose",
        "order.negotiation_counter",
        "order.negotiation_accept",
    ]
    accepted = AuditEvent.objects.get(action="order.negotiation_accept")
    assert accepted.after["prices"] == {str(line.pk): 13_501}
    assert accepted.after["released"] == 152_250 - 141_761


def test_a_third_round_is_refused_naming_the_prices(world):
    order = rice_order(world)
    line = line_of(order)
    for price, counter in ((12_000, 14_000), (12_500, 13_800)):
        negotiation_propose(order=order, by=world.requester, prices={line.pk: price})
        negotiation_counter(order=order, by=world.rice_seller, prices={line.pk: counter})
    with pytest.raises(InvalidInput) as refused:
        negotiation_propose(order=order, by=world.requester, prices={line.pk: 13_000})
    assert "prices" in refused.value.field_errors()


def test_the_policy_sets_the_rounds(world):
    Policy.objects.update_or_create(
        fiscal_year=world.line.fiscal_year, defaults={"negotiation_rounds": 1}
    )
    order = rice_order(world)
    line = line_of(order)
    negotiation_propose(order=order, by=world.requester, prices={line.pk: 12_000})
    negotiation_counter(order=order, by=world.rice_seller, prices={line.pk: 14_000})
    with pytest.raises(InvalidInput):
        negotiation_propose(order=order, by=world.requester, prices={line.pk: 13_000})


@pytest.mark.parametrize(
    "price",
    [14_500, 15_000, 0, -1, 10**15, "abc", "1e3", "12,5", True, None, "", "٣"],
    ids=repr,
)
def test_a_proposal_must_be_a_whole_price_above_zero_and_below_the_listed(world, price):
    order = rice_order(world)
    line = line_of(order)
    with pytest.raises(InvalidInput) as refused:
        negotiation_propose(order=order, by=world.requester, prices={str(line.pk): price})
    assert "prices" in refused.value.field_errors()
    assert not Negotiation.objects.exists()


@pytest.mark.parametrize("prices", [{}, {"999999": 100}, {"x": 100}, [1], "12"], ids=repr)
def test_a_proposal_names_lines_of_the_order(world, prices):
    order = rice_order(world)
    with pytest.raises(InvalidInput) as refused:
        negotiation_propose(order=order, by=world.requester, prices=prices)
    assert "prices" in refused.value.field_errors()


def test_a_counter_lies_between_the_proposal_and_the_listed_price(world):
    order = rice_order(world)
    line = line_of(order)
    negotiation_propose(order=order, by=world.requester, prices={line.pk: 12_000})
    for price in (14_501, 11_999, 0, "x"):
        with pytest.raises(InvalidInput) as refused:
            negotiation_counter(order=order, by=world.rice_seller, prices={line.pk: price})
        assert str(line.pk) in refused.value.field_errors()["prices"]
    # At the listed price is allowed: the vendor gives nothing on that line.
    negotiation_counter(order=order, by=world.rice_seller, prices={line.pk: 14_500})


def test_a_second_proposal_must_be_below_the_vendors_counter(world):
    order = rice_order(world)
    line = line_of(order)
    negotiation_propose(order=order, by=world.requester, prices={line.pk: 12_000})
    negotiation_counter(order=order, by=world.rice_seller, prices={line.pk: 13_000})
    with pytest.raises(InvalidInput):
        negotiation_propose(order=order, by=world.requester, prices={line.pk: 13_000})


def test_the_vendor_declines_and_nothing_changes_on_the_order_or_the_ledger(world):
    order = rice_order(world)
    line = line_of(order)
    entries = world.line.spend_entries.count()
    negotiation_propose(order=order, by=world.requester, prices={line.pk: 12_000})
    negotiation = negotiation_decline(order=order, by=world.rice_seller, reason="Harga pas")
    order.refresh_from_db()
    assert negotiation.status == NegotiationStatus.DECLINED
    assert order.total == 1_450_000 == committed_for(order)
    assert line_of(order).unit_price == 14_500
    assert world.line.spend_entries.count() == entries
    ledger_matches(world)
    transitions.order_approve(order=order, by=world.approver)


def test_who_may_take_each_move(world):
    order = rice_order(world)
    line = line_of(order)
    with pytest.raises(NotAllowed):  # the vendor does not propose
        negotiation_propose(order=order, by=world.rice_seller, prices={line.pk: 12_000})
    with pytest.raises(NotAllowed):  # nor does the PPK
        negotiation_propose(order=order, by=world.approver, prices={line.pk: 12_000})
    negotiation_propose(order=order, by=world.requester, prices={line.pk: 12_000})
    with pytest.raises(NotAllowed):  # the requester does not counter
        negotiation_counter(order=order, by=world.requester, prices={line.pk: 13_000})
    with pytest.raises(NotAllowed):  # another vendor is nobody here
        negotiation_accept(order=order, by=world.besek_seller)
    with pytest.raises(Conflict):  # the requester's own proposal waits for the vendor
        negotiation_accept(order=order, by=world.requester)
    with pytest.raises(Conflict):  # nor proposes twice in a row
        negotiation_propose(order=order, by=world.requester, prices={line.pk: 11_000})
    negotiation_counter(order=order, by=world.rice_seller, prices={line.pk: 13_000})
    with pytest.raises(Conflict):  # its own counter waits for the requester
        negotiation_accept(order=order, by=world.rice_seller)
    with pytest.raises(Conflict):  # an answer to a round that has moved on
        negotiation_accept(order=order, by=world.requester, answering=2)


def test_approval_waits_while_a_negotiation_is_open(world):
    order = rice_order(world)
    line = line_of(order)
    assert "approve" in [a.name for a in transitions.allowed_actions(world.approver, order)]
    negotiation_propose(order=order, by=world.requester, prices={line.pk: 12_000})
    assert "approve" not in [a.name for a in transitions.allowed_actions(world.approver, order)]
    with pytest.raises(Conflict) as refused:
        transitions.order_approve(order=order, by=world.approver)
    assert refused.value.code == "negotiation_open"
    negotiation_withdraw(order=order, by=world.requester)
    transitions.order_approve(order=order, by=world.approver)


def test_an_order_approved_at_once_is_not_negotiated(world):
    Policy.objects.update_or_create(
        fiscal_year=world.line.fiscal_year, defaults={"approval_threshold": 10**9}
    )
    (order,) = world.order((world.rice, "100"))
    assert order.status == OrderStatus.APPROVED
    with pytest.raises(Conflict):
        negotiation_propose(order=order, by=world.requester, prices={line_of(order).pk: 12_000})


def test_the_vendor_sees_a_negotiated_order_and_a_rejection_ends_the_negotiation(world):
    order = rice_order(world)
    assert not orders_visible_to(world.rice_seller).filter(pk=order.pk).exists()
    negotiation_propose(order=order, by=world.requester, prices={line_of(order).pk: 12_000})
    assert orders_visible_to(world.rice_seller).filter(pk=order.pk).exists()
    assert vendor_inbox(world.rice_seller).filter(pk=order.pk).exists()
    assert not orders_visible_to(world.besek_seller).filter(pk=order.pk).exists()
    transitions.order_reject(order=order, by=world.approver, reason="Tidak perlu")
    assert Negotiation.objects.get().status == NegotiationStatus.WITHDRAWN
    world.line.refresh_from_db()
    assert world.line.committed == 0
    ledger_matches(world)


def test_each_move_is_told_and_on_the_timeline(world):
    order = rice_order(world)
    line = line_of(order)
    other_seller = vendor_member(world.rice.vendor)
    negotiation_propose(order=order, by=world.requester, prices={line.pk: 12_000})
    proposed = Notification.objects.filter(kind="order.negotiation_proposed")
    assert {n.recipient_id for n in proposed} == {world.rice_seller.pk, other_seller.pk}
    assert proposed.first().params["round"] == 1
    assert proposed.first().params["amount"] == 1_200_000
    negotiation_counter(order=order, by=world.rice_seller, prices={line.pk: 13_000})
    countered = Notification.objects.get(kind="order.negotiation_countered")
    assert countered.recipient_id == world.requester.pk
    negotiation_accept(order=order, by=world.requester)
    agreed = Notification.objects.filter(kind="order.negotiation_agreed")
    assert {n.recipient_id for n in agreed} == {
        world.approver.pk,
        world.rice_seller.pk,
        other_seller.pk,
    }
    assert agreed.first().params["amount"] == 1_300_000
    steps = [event.action for event in order_timeline(order)]
    assert steps.count("order.negotiation_propose") == 1
    assert "order.negotiation_accept" in steps


def test_another_departments_requester_may_not_negotiate(world):
    order = rice_order(world)
    from tests.factories import DepartmentFactory

    stranger = member(DepartmentRole.REQUESTER, DepartmentFactory(code="DINKES"))
    with pytest.raises(NotAllowed):
        negotiation_propose(order=order, by=stranger, prices={line_of(order).pk: 12_000})


def test_the_audit_page_reads_the_prices_of_each_move(world):
    from django.utils import translation

    from orders.actions import timeline_label
    from orders.audit_words import order_event_values

    order = rice_order(world)
    line = line_of(order)
    negotiation_propose(order=order, by=world.requester, prices={line.pk: 12_000})
    event = AuditEvent.objects.get(action="order.negotiation_propose")
    with translation.override("en"):
        words = order_event_values([event])
        assert words(event, "prices", event.after["prices"]) == "100 kg Beras lokal @ Rp12.000"
        assert words(event, "proposed_total", 1_200_000) == "Rp1.200.000"
        assert str(timeline_label(event)) == "Lower price proposed"
