"""Who is told what about an order: the people whose turn it is, the other parties of a refusal
with its reason, never the person who acted and never anyone who may not see the order."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format

from market.errors import DomainError
from market.models import DepartmentRole, Notification, OutboxMessage
from market.notices import whatsapp_parameters, words
from orders.clock import due_at
from orders.models import Invoice, PurchaseOrder
from orders.selectors import orders_visible_to, response_deadlines
from orders.services import exports, payments, placing, transitions
from orders.services.reminders import order_reminders_send
from orders.services.standing import standing_order_run
from procurement.models import Policy
from procurement.selectors import working_days_after
from tests.factories import (
    DepartmentFactory,
    UserFactory,
    VendorFactory,
    finance_officer,
    member,
    vendor_member,
)
from tests.orders.test_inputs import invoiced, receive, shipped
from vendors.models import VendorStatus
from vendors.services import vendor_transition

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


class Told:
    """What was told since the last look: [(username, kind)], in order."""

    def __init__(self):
        self.seen = 0

    def __call__(self) -> list[tuple[str, str]]:
        new = Notification.objects.filter(pk__gt=self.seen).select_related("recipient")
        told = [(n.recipient.username, n.kind) for n in new.order_by("pk")]
        self.seen = max([self.seen, *(n.pk for n in new)])
        return told


@pytest.fixture
def told():
    return Told()


@pytest.fixture
def bystanders(world):
    """People who must never hear of DISDIK's orders to the rice seller."""
    other = DepartmentFactory(code="DINKES")
    return [
        member(DepartmentRole.RECEIVER, other),
        member(DepartmentRole.TREASURER, other),
        member(DepartmentRole.APPROVER, other),
        vendor_member(world.besek.vendor),
        vendor_member(),
    ]


def names(world, *roles):
    return [getattr(world, role).username for role in roles]


def test_each_step_tells_whose_turn_it_is_with_number_party_amount_and_link(world, told):
    (order,) = world.order((world.rice, "100"))
    assert told() == [(world.approver.username, "order.submitted")]
    submitted = Notification.objects.get(kind="order.submitted")
    assert submitted.params == {
        "number": order.number,
        "party": world.rice.vendor.display_name,
        "amount": 1_450_000,
        "reason": "",
    }
    assert submitted.link == f"/orders/{order.pk}/"
    assert (submitted.object_type, submitted.object_id) == ("orders.purchaseorder", str(order.pk))

    transitions.order_approve(order=order, by=world.approver)
    assert told() == [
        (world.requester.username, "order.approved"),
        (world.rice_seller.username, "order.to_accept"),
    ]
    # The vendor reads the department's name as the other party.
    assert Notification.objects.get(kind="order.to_accept").params["party"] == "Dinas Pendidikan"
    transitions.order_accept(order=order, by=world.rice_seller)
    # The vendor's copy of the surat pesanan goes to whoever accepted too.
    assert told() == [
        (world.requester.username, "order.accepted"),
        (world.rice_seller.username, "order.purchase_order"),
    ]
    assert Notification.objects.get(kind="order.purchase_order").params["document"] == (
        "purchase-order"
    )
    line = order.lines.get()
    transitions.order_ship(order=order, by=world.rice_seller, quantities={line.pk: "100"})
    assert sorted(told()) == sorted(
        [(world.requester.username, "order.shipped"), (world.receiver.username, "order.shipped")]
    )
    receive(world, order, line, "80")
    assert told() == [(world.rice_seller.username, "order.received")]
    receipt = order.receipts.get()
    assert Notification.objects.get(kind="order.received").params["document"] == (
        f"bast-{receipt.pk}"
    )
    invoice = transitions.order_invoice(order=order, by=world.rice_seller)
    assert told() == [(world.treasurer.username, "order.invoiced")]
    billed = Notification.objects.get(kind="order.invoiced").params
    due = working_days_after(timezone.localtime(invoice.issued_at).date(), 5)
    assert billed["amount"] == invoice.amount == 1_160_000 and billed["date"] == due.isoformat()
    payments.order_pay(order=order, by=world.treasurer, sp2d_number="77/SP2D", sp2d_date=TODAY())
    assert told() == [
        (world.rice_seller.username, "order.paid"),
        (world.requester.username, "order.paid"),
    ]
    assert {n.params["amount"] for n in Notification.objects.filter(kind="order.paid")} == {
        1_160_000
    }
    paid = order.payments.get()
    assert {
        (n.params["document"], n.params["received"])
        for n in Notification.objects.filter(kind="order.paid")
    } == {(f"kuitansi-{paid.pk}", paid.net_to_vendor)}


def test_an_order_approved_automatically_goes_straight_to_the_vendor(world, told):
    Policy.objects.update_or_create(
        fiscal_year=world.line.fiscal_year, defaults={"approval_threshold": 5_000_000}
    )
    world.order((world.rice, "100"))
    assert told() == [
        (world.requester.username, "order.approved"),
        (world.rice_seller.username, "order.to_accept"),
    ]


def test_refusals_tell_the_other_parties_with_the_reason(world, told):
    first, second, third, fourth = (world.order((world.rice, "10"))[0] for _ in range(4))
    told()
    transitions.order_reject(order=first, by=world.approver, reason="Anggaran dialihkan")
    # The vendor never saw an order that was not approved: it is not told either.
    assert told() == [(world.requester.username, "order.rejected")]
    assert Notification.objects.get(kind="order.rejected").params["reason"] == (
        "Anggaran dialihkan"
    )

    for order in (second, third, fourth):
        transitions.order_approve(order=order, by=world.approver)
    told()
    transitions.order_cancel(order=second, by=world.requester, reason="Acara ditunda")
    assert told() == [
        (world.approver.username, "order.cancelled"),
        (world.rice_seller.username, "order.cancelled"),
    ]
    transitions.order_decline(order=third, by=world.rice_seller, reason="Stok habis")
    assert told() == [
        (world.requester.username, "order.declined"),
        (world.approver.username, "order.declined"),
    ]
    transitions.order_expire(order=fourth)
    assert told() == [
        (world.requester.username, "order.expired"),
        (world.approver.username, "order.expired"),
        (world.rice_seller.username, "order.expired"),
    ]
    assert Notification.objects.filter(kind="order.expired").first().params["reason"]


def test_no_one_is_told_about_an_order_they_may_not_see(world, bystanders):
    finance = finance_officer()
    draft_refused = world.order((world.rice, "10"))[0]
    transitions.order_cancel(order=draft_refused, by=world.approver, reason="Salah pesan")
    invoiced(world)
    order_reminders_send(today=TODAY() + datetime.timedelta(days=30))
    told = Notification.objects.select_related("recipient")
    assert {n.recipient for n in told} >= {world.requester, world.rice_seller, finance}
    for notification in told:
        order = PurchaseOrder.objects.get(pk=notification.object_id)
        assert orders_visible_to(notification.recipient).filter(pk=order.pk).exists()
    assert not told.filter(recipient__in=bystanders).exists()
    assert not OutboxMessage.objects.filter(notification__recipient__in=bystanders).exists()


def test_a_deactivated_person_is_not_told(world, told):
    (order,) = world.order((world.rice, "10"))
    transitions.order_approve(order=order, by=world.approver)
    transitions.order_accept(order=order, by=world.rice_seller)
    world.receiver.is_active = False
    world.receiver.save()
    told()
    line = order.lines.get()
    transitions.order_ship(order=order, by=world.rice_seller, quantities={line.pk: "10"})
    assert told() == [(world.requester.username, "order.shipped")]


def test_the_vendor_is_reminded_one_working_day_before_its_order_expires(world, told):
    (order,) = world.order((world.rice, "10"))
    transitions.order_approve(order=order, by=world.approver)
    friday = datetime.datetime(2026, 11, 20, 9, tzinfo=timezone.get_current_timezone())
    PurchaseOrder.objects.filter(pk=order.pk).update(approved_at=friday)
    told()
    # Three working days: Mon 23, Tue 24, Wed 25; expiring after Wednesday.
    assert order_reminders_send(today=datetime.date(2026, 11, 23)) == 0
    assert order_reminders_send(today=datetime.date(2026, 11, 24)) == 1
    assert told() == [(world.rice_seller.username, "order.expires_soon")]
    assert order_reminders_send(today=datetime.date(2026, 11, 25)) == 0  # told once
    assert Notification.objects.get(kind="order.expires_soon").params["date"] == "2026-11-25"


def test_an_approver_is_reminded_of_an_order_waiting_more_than_two_working_days(world, told):
    (order,) = world.order((world.rice, "10"))
    friday = datetime.datetime(2026, 11, 20, 9, tzinfo=timezone.get_current_timezone())
    PurchaseOrder.objects.filter(pk=order.pk).update(submitted_at=friday)
    told()
    assert order_reminders_send(today=datetime.date(2026, 11, 24)) == 0  # Mon, Tue: two days
    assert order_reminders_send(today=datetime.date(2026, 11, 25)) == 1
    assert told() == [(world.approver.username, "order.approval_waiting")]
    assert order_reminders_send(today=datetime.date(2026, 11, 26)) == 0


def test_treasurers_hear_the_day_before_due_then_the_ppk_and_finance_each_working_day(world, told):
    finance = finance_officer()
    second_treasurer = member(DepartmentRole.TREASURER, world.department)
    order = invoiced(world)
    issued = datetime.datetime(2026, 11, 2, 10, tzinfo=timezone.get_current_timezone())
    # Complete on Monday 2 November: due 5 working days later, Monday 9 November.
    Invoice.objects.filter(order=order).update(issued_at=issued, due_at=due_at(issued, 5))
    told()
    assert order_reminders_send(today=datetime.date(2026, 11, 5)) == 0
    assert order_reminders_send(today=datetime.date(2026, 11, 6)) == 1  # the working day before
    assert sorted(told()) == sorted(
        [
            (world.treasurer.username, "order.payment_due_soon"),
            (second_treasurer.username, "order.payment_due_soon"),
        ]
    )
    assert order_reminders_send(today=datetime.date(2026, 11, 6)) == 0  # the check runs again
    assert order_reminders_send(today=datetime.date(2026, 11, 9)) == 0  # due today
    assert order_reminders_send(today=datetime.date(2026, 11, 10)) == 1
    assert sorted(told()) == sorted(
        [
            (world.approver.username, "order.payment_overdue"),
            (finance.username, "order.payment_overdue"),
        ]
    )
    overdue = Notification.objects.filter(kind="order.payment_overdue").first()
    assert overdue.params["date"] == "2026-11-09"
    assert order_reminders_send(today=datetime.date(2026, 11, 10)) == 0  # once a day
    assert order_reminders_send(today=datetime.date(2026, 11, 11)) == 1  # and every working day
    assert order_reminders_send(today=datetime.date(2026, 11, 14)) == 0  # not on Saturday


def test_a_vendor_hears_of_its_verification_rejection_and_suspension(told):
    admin = UserFactory(is_staff=True)
    applied = VendorFactory(status=VendorStatus.APPLIED)
    owner, staff = vendor_member(applied), vendor_member(applied)
    vendor_transition(vendor=applied, action="verify", by=admin, reason="Dokumen diperiksa")
    assert told() == [(owner.username, "vendor.verified"), (staff.username, "vendor.verified")]
    vendor_transition(vendor=applied, action="suspend", by=admin, reason="Izin usaha kedaluwarsa")
    suspended = Notification.objects.filter(kind="vendor.suspended").first()
    assert suspended.params["reason"] == "Izin usaha kedaluwarsa"
    assert suspended.link == "/vendor/"
    other = VendorFactory(status=VendorStatus.APPLIED)
    seller = vendor_member(other)
    told()
    vendor_transition(vendor=other, action="reject", by=admin, reason="NIB tidak cocok")
    assert told() == [(seller.username, "vendor.rejected")]


def test_an_export_tells_its_owner_when_it_is_ready(world, told):
    owner = finance_officer()
    export = exports.export_request(by=owner, kind="spend", file_format="csv", filters={})
    exports.export_run(export_id=export.pk)
    assert told() == [(owner.username, "export.done")]
    done = Notification.objects.get(kind="export.done")
    assert done.link == "/exports/" and done.params["rows"] >= 0


def test_a_standing_order_tells_its_requester_what_it_placed_or_why_not(world, told):
    standing = world.standing_order(items=[placing.Item(world.rice.pk, Decimal(600))])
    period = TODAY().replace(day=1)
    standing_order_run(standing_order=standing, period=period)
    assert (world.requester.username, "standing_order.ordered") in told()
    placed = Notification.objects.get(kind="standing_order.ordered")
    order = PurchaseOrder.objects.get(standing_order=standing)
    assert placed.params["number"] == order.number and placed.params["amount"] == order.total
    assert placed.link == f"/orders/{order.pk}/"
    next_period = (period + datetime.timedelta(days=32)).replace(day=1)
    standing_order_run(standing_order=standing, period=next_period)  # 400 kg left: too little
    assert told() == [(world.requester.username, "standing_order.failed")]
    failed = Notification.objects.get(kind="standing_order.failed")
    assert "Beras lokal" in failed.params["reason"]


def test_a_checkout_refused_tells_no_one(world, told):
    with pytest.raises(DomainError):  # more rice than there is
        world.order((world.rice, "5000"))
    assert told() == []


def told_words(kind, person, language="id"):
    notification = Notification.objects.get(kind=kind, recipient=person)
    return words(notification.kind, notification.params, language=language)


def test_a_paid_order_reads_as_the_department_paying_the_vendor_for_everyone(world):
    order = invoiced(world)
    payments.order_pay(order=order, by=world.treasurer, sp2d_number="8/SP2D", sp2d_date=TODAY())
    vendor = world.rice.vendor.display_name
    _title, requesters = told_words("order.paid", world.requester)
    # What the vendor receives after the taxes withheld (none here: not a PKP, no PPh) is said.
    received = " Diterima penyedia setelah pajak dipotong: Rp1.450.000."
    assert requesters == (
        f"Pesanan {order.number} dengan {vendor} telah dibayar: Rp1.450.000.{received}"
    )
    assert f"{vendor} membayar" not in requesters
    _title, vendors = told_words("order.paid", world.rice_seller)
    assert vendors == (
        f"Pesanan {order.number} dengan Dinas Pendidikan telah dibayar: Rp1.450.000.{received}"
    )


def test_the_new_order_notice_gives_the_vendor_the_day_to_answer_by(world):
    (order,) = world.order((world.rice, "10"))
    transitions.order_approve(order=order, by=world.approver)
    order.refresh_from_db()
    deadline = response_deadlines([order])[order.pk]
    told = Notification.objects.get(kind="order.to_accept")
    assert told.params["date"] == deadline.isoformat()
    with translation.override("id"):
        day = date_format(deadline, "DATE_FORMAT")
    _title, body = told_words("order.to_accept", world.rice_seller)
    assert f"paling lambat {day}" in body
    parameters = whatsapp_parameters(told.kind, told.params, name="Sari", language="id")
    assert parameters[-1] == day


def test_the_vendors_note_reaches_the_receiver_in_the_shipped_notice(world):
    order, line = shipped(world, "100", "0.5")
    transitions.order_ship(
        order=order,
        by=world.rice_seller,
        quantities={line.pk: "40"},
        note="Dua karung dikirim besok pagi",
    )
    first, latest = Notification.objects.filter(
        kind="order.shipped", recipient=world.receiver
    ).order_by("pk")
    _title, body = words(latest.kind, latest.params, language="id")
    assert body.endswith(". Catatan dari penyedia: Dua karung dikirim besok pagi")
    # A shipment without a note says nothing of one.
    assert "Catatan" not in words(first.kind, first.params, language="id")[1]
