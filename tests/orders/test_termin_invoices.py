"""Invoices per BAST (termin): a vendor bills what arrived while the rest is still on its way;
the order is paid when every invoice is, and nothing delivered is stranded."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from market.errors import Conflict, InvalidInput
from orders.models import OrderStatus
from orders.services import payments, transitions
from orders.services.reminders import order_reminders_send
from tests.orders.test_inputs import receive, shipped
from tests.orders.test_pages import pay_form
from tests.orders.test_services import ledger_matches, refresh

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def sp2d(world, order, number, invoice=None):
    return payments.order_pay(
        order=order, by=world.treasurer, sp2d_number=number, sp2d_date=TODAY(), invoice=invoice
    )


def test_the_vendor_bills_a_partial_bast_and_still_ships_and_bills_the_rest(world):
    order, line = shipped(world, "100", "60")
    receive(world, order, line, "60")
    first = transitions.order_invoice(order=order, by=world.rice_seller)
    refresh(order)
    assert (first.amount, first.final, order.status) == (870_000, False, "partially_received")
    assert "ship" in [a.name for a in transitions.allowed_actions(world.rice_seller, order)]

    transitions.order_ship(order=order, by=world.rice_seller, quantities={line.pk: "40"})
    second_bast = receive(world, order, line, "40")
    second = transitions.order_invoice(order=order, by=world.rice_seller)
    refresh(order)
    assert (second.amount, second.final, order.status) == (580_000, True, "invoiced")
    assert first.number.endswith("/00001") and second.number == f"{first.number}-2"
    assert list(second.receipts.values_list("number", flat=True)) == [second_bast.number]

    sp2d(world, order, "1/SP2D", invoice=second.pk)  # the later invoice first
    refresh(order, world.line)
    assert order.status == OrderStatus.INVOICED and world.line.realised == 580_000
    sp2d(world, order, "2/SP2D")  # the one still waiting
    refresh(order, world.line)
    assert order.status == OrderStatus.PAID
    assert (world.line.committed, world.line.realised) == (0, 1_450_000)
    ledger_matches(world.line)


def test_a_line_billed_in_parts_is_billed_its_total_not_a_rupiah_more(world):
    # 10.002 kg x Rp14.500 = Rp145.029; each half priced alone would round up to Rp72.515.
    order, line = shipped(world, "10.002", "10.002")
    receive(world, order, line, "5.001")
    first = transitions.order_invoice(order=order, by=world.rice_seller)
    receive(world, order, line, "5.001")
    second = transitions.order_invoice(order=order, by=world.rice_seller)
    assert (first.amount, second.amount) == (72_515, 72_514)
    assert first.amount + second.amount == line.total == 145_029


def test_with_two_invoices_waiting_the_treasurer_names_the_one_paid(world):
    order, line = shipped(world, "100", "100")
    for quantity in ("30", "70"):
        receive(world, order, line, quantity)
        transitions.order_invoice(order=order, by=world.rice_seller)
    with pytest.raises(InvalidInput) as refused:
        sp2d(world, order, "3/SP2D")
    assert set(refused.value.fields) == {"invoice"}
    with pytest.raises(InvalidInput) as refused:
        sp2d(world, order, "3/SP2D", invoice=999_999)
    assert set(refused.value.fields) == {"invoice"}
    for invoice in order.invoices.order_by("pk"):
        sp2d(world, order, f"{invoice.pk}/SP2D", invoice=invoice.pk)
    refresh(order)
    assert order.status == OrderStatus.PAID
    with pytest.raises(Conflict):  # nothing waits any more
        sp2d(world, order, "4/SP2D")


def test_closing_short_after_what_was_delivered_is_paid_settles_the_order(world):
    order, line = shipped(world, "100", "60")
    receive(world, order, line, "60")
    transitions.order_invoice(order=order, by=world.rice_seller)
    sp2d(world, order, "5/SP2D")
    transitions.order_close_short(order=order, by=world.approver, reason="Stok habis")
    refresh(order, world.line, world.rice)
    assert order.status == OrderStatus.PAID
    assert (world.line.committed, world.line.realised) == (0, 870_000)
    assert world.rice.reserved == 0 and world.rice.stock == Decimal(940)
    ledger_matches(world.line)


def test_a_refund_names_the_payment_when_the_order_has_several(world):
    order, line = shipped(world, "100", "100")
    for quantity, number in (("30", "6/SP2D"), ("70", "7/SP2D")):
        receive(world, order, line, quantity)
        transitions.order_invoice(order=order, by=world.rice_seller)
        sp2d(world, order, number)
    with pytest.raises(InvalidInput) as refused:
        payments.order_refund(order=order, by=world.treasurer, amount=1000, reason="Rusak")
    assert set(refused.value.fields) == {"payment"}
    first = order.payments.order_by("pk").first()
    refund = payments.order_refund(
        order=order, by=world.treasurer, amount=1000, reason="Rusak", payment=first.pk
    )
    refresh(world.line)
    assert refund.payment == first and world.line.realised == 1_450_000 - 1000
    ledger_matches(world.line)


def test_each_invoice_overdue_is_reminded_once(world):
    order, line = shipped(world, "100", "100")
    for quantity in ("30", "70"):
        receive(world, order, line, quantity)
        transitions.order_invoice(order=order, by=world.rice_seller)
    later = TODAY() + datetime.timedelta(days=60)
    while later.weekday() >= 5:  # overdue reminders go out on working days
        later += datetime.timedelta(days=1)
    assert order_reminders_send(today=later) == 2  # one per invoice
    assert order_reminders_send(today=later) == 0


def test_the_invoice_button_says_what_it_bills_and_that_the_rest_still_comes(login, world):
    order, line = shipped(world, "100", "60")
    bast = receive(world, order, line, "60")
    page = login(world.rice_seller).get(reverse("order-detail", args=[order.pk]))
    text = page.content.decode()
    assert f"Kirim tagihan sebesar Rp870.000 untuk barang yang sudah diterima ({bast.number})" in (
        text
    )
    assert "senilai Rp580.000, masih dapat dikirim dan ditagih kemudian" in text


def test_the_treasurer_home_shows_what_to_pay_not_the_order_total(login, client, world):
    order, line = shipped(world, "100", "60")
    receive(world, order, line, "60")
    transitions.order_invoice(order=order, by=world.rice_seller)
    home = login(world.treasurer).get("/").content.decode()
    waiting = next(item for item in home.split("<li>") if order.number in item).split("</li>")[0]
    assert "dibayar Rp870.000" in waiting and "Rp1.450.000" not in waiting
    response = client.post(
        reverse("order-action", args=[order.pk, "pay"]), pay_form(order, "8/SP2D", TODAY())
    )
    assert response.status_code == 302
    refresh(order)
    assert order.invoices.get().paid_at is not None


def test_an_invoice_from_before_termins_is_described_in_their_terms(world):
    from importlib import import_module

    from django.apps import apps

    from orders.models import Invoice, OrderLine

    migration = import_module("orders.migrations.0010_invoices_per_termin")
    order, line = shipped(world, "100", "100")
    receive(world, order, line, "60")
    # As invoicing used to leave it: one final invoice of what was received, nothing per line.
    Invoice.objects.create(
        order=order,
        number="INV/DISDIK/2026/00001",
        amount=870_000,
        final=True,
        bank_name="Bank Kalbar",
        bank_account_number="1",
        bank_account_holder="UD",
        issued_by=world.rice_seller,
    )
    OrderLine.objects.filter(pk=line.pk).update(invoiced_quantity=0)
    order.__class__.objects.filter(pk=order.pk).update(status=OrderStatus.INVOICED)
    migration.bill_earlier_invoices(apps, None)
    refresh(line, order)
    invoice = order.invoices.get()
    assert list(invoice.lines.values_list("quantity", "amount")) == [(Decimal(60), 870_000)]
    assert line.invoiced_quantity == 60 and invoice.receipts.count() == 1
    sp2d(world, order, "9/SP2D")
    refresh(order, world.line)
    assert order.status == OrderStatus.PAID
    assert (world.line.committed, world.line.realised) == (0, 870_000)
