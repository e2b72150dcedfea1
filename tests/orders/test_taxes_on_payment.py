"""Taxes on an order's invoices and payments (orders.taxes): expected when the invoice is
issued, collected when it is paid, kept on both so that nothing later changes a paid invoice;
the ledger realises the gross amount."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from orders import documents
from orders.models import Invoice, PaymentMethod
from orders.services import payments, transitions
from orders.taxes import taxes_of_order
from procurement.models import SpendEntry, TaxRules
from tests.orders.test_inputs import receive
from vendors.models import TaxProfileStatus, VendorTaxProfile

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def delivered(world, product, seller, quantity="100", parts=("100",)):
    order = world.order((product, quantity))[0]
    transitions.order_approve(order=order, by=world.approver)
    transitions.order_accept(order=order, by=seller)
    line = order.lines.get()
    invoices = []
    for part in parts:
        transitions.order_ship(order=order, by=seller, quantities={line.pk: part})
        receive(world, order, line, part)
        invoices.append(transitions.order_invoice(order=order, by=seller))
    return order, invoices


def pay(world, order, invoice, number="1/SP2D"):
    return payments.order_pay(
        order=order,
        by=world.treasurer,
        sp2d_number=number,
        sp2d_date=TODAY(),
        invoice=invoice.pk,
    )


def test_uniforms_paid_by_sp2d_have_ppn_and_pph22_collected_and_the_ledger_the_gross(world, tailor):
    product, seller = tailor
    order, [invoice] = delivered(world, product, seller)
    assert (invoice.amount, invoice.price_excluding_ppn, invoice.ppn) == (
        11_100_000,
        10_000_000,
        1_100_000,
    )
    assert invoice.net_to_vendor == 9_850_000  # expected when issued
    payment = pay(world, order, invoice)
    payment.refresh_from_db()
    invoice.refresh_from_db()
    assert (payment.amount, payment.ppn_collected, payment.income_tax) == (
        11_100_000,
        1_100_000,
        150_000,
    )
    assert (payment.income_tax_kind, payment.income_tax_rate) == ("pph22", Decimal("1.50"))
    assert payment.net_to_vendor == invoice.net_to_vendor == 9_850_000
    assert payment.taxes["rules_source"].startswith("PMK 59/2022")
    realised = SpendEntry.objects.filter(order_id=order.pk, kind="realise")
    assert sum(entry.amount for entry in realised) == 11_100_000


def test_an_order_paid_in_two_invoices_below_the_threshold_is_taxed_as_one(world, tailor):
    """Rp11.100.000 ordered, billed as 15 and 85 pieces: the first invoice (Rp1.665.000) is
    below Rp2.000.000 alone and is still withheld, since the order is above."""
    product, seller = tailor
    order, (first, second) = delivered(world, product, seller, parts=("15", "85"))
    payment = pay(world, order, first)
    assert payment.price_excluding_ppn == 1_500_000
    assert (payment.ppn_collected, payment.income_tax) == (165_000, 22_500)
    assert pay(world, order, second, "2/SP2D").income_tax == 127_500


def test_a_certificate_that_lapses_between_invoice_and_payment(world, tailor):
    product, seller = tailor
    VendorTaxProfile.objects.filter(vendor=product.vendor).update(
        final_certificate_number="KET-1",
        final_valid_from=TODAY() - datetime.timedelta(days=300),
        final_valid_to=TODAY(),
    )
    order, [invoice] = delivered(world, product, seller)
    assert (invoice.income_tax_kind, invoice.income_tax) == ("pp55_final", 50_000)
    tomorrow = TODAY() + datetime.timedelta(days=1)
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(timezone, "localdate", lambda *args: tomorrow)
        payment = pay(world, order, invoice)
    assert (payment.income_tax_kind, payment.income_tax) == ("pph22", 150_000)
    assert payment.net_to_vendor == 9_850_000


def test_a_paid_invoice_keeps_its_figures_when_the_rules_change(world, tailor):
    product, seller = tailor
    order, [invoice] = delivered(world, product, seller)
    pay(world, order, invoice)
    rules = TaxRules.objects.get()
    rules.pk, rules.effective_from, rules.pph22_rate = None, TODAY(), Decimal("2.5")
    rules.save()
    invoice.refresh_from_db()
    assert (invoice.income_tax, invoice.net_to_vendor) == (150_000, 9_850_000)


def test_the_vendor_sees_what_the_whole_order_brings_before_accepting(world, tailor):
    product, _seller = tailor
    order = world.order((product, "100"))[0]
    assert taxes_of_order(order).net_to_vendor == 9_850_000
    assert taxes_of_order(order, method=PaymentMethod.CARD).net_to_vendor == 11_100_000


def test_rice_from_a_micro_vendor_with_a_certificate_has_nothing_collected(world):
    VendorTaxProfile.objects.create(
        vendor=world.rice.vendor,
        final_certificate_number="KET-2",
        final_valid_from=TODAY() - datetime.timedelta(days=10),
        final_valid_to=TODAY() + datetime.timedelta(days=300),
        status=TaxProfileStatus.VERIFIED,
    )
    world.rice.unit_price = 13_320
    world.rice.save(update_fields=["unit_price"])
    order, [invoice] = delivered(world, world.rice, world.rice_seller, "250", ("250",))
    payment = pay(world, order, invoice)
    assert payment.amount == 3_330_000
    assert (payment.ppn_collected, payment.income_tax, payment.net_to_vendor) == (
        0,
        0,
        3_330_000,
    )


def test_the_treasurer_sees_the_figures_before_paying_and_the_api_gives_them(
    client, api_as, world, tailor
):
    product, seller = tailor
    order, [invoice] = delivered(world, product, seller)
    client.force_login(world.treasurer)
    page = client.get(reverse("order-detail", args=[order.pk]), HTTP_ACCEPT_LANGUAGE="id")
    html = page.content.decode()
    for figure in ("Rp11.100.000", "Rp1.100.000", "Rp150.000", "Rp9.850.000"):
        assert figure in html, figure
    assert "PMK 59/2022" in html

    pay(world, order, invoice)
    answer = api_as(world.treasurer).get(reverse("api:order-detail", args=[order.pk])).json()
    [shown] = answer["invoices"]
    assert {key: shown[key] for key in ("price_excluding_ppn", "ppn", "ppn_collected")} == {
        "price_excluding_ppn": 10_000_000,
        "ppn": 1_100_000,
        "ppn_collected": 1_100_000,
    }
    assert shown["income_tax"] == {"kind": "pph22", "rate": "1.50", "amount": 150_000}
    assert shown["net_to_vendor"] == answer["payments"][0]["net_to_vendor"] == 9_850_000


def test_the_documents_show_the_same_figures_and_the_slip_goes_only_to_who_may_read_it(
    client, world, tailor
):
    product, seller = tailor
    order, [invoice] = delivered(world, product, seller)
    payment = pay(world, order, invoice)
    slip = f"bukti-potong-{payment.pk}"
    kuitansi, _name = documents.html(order, f"kuitansi-{payment.pk}")
    assert "Rp9.850.000" in kuitansi and "Rp150.000" in kuitansi
    faktur, _name = documents.html(order, f"invoice-{invoice.pk}")
    assert "Rp10.000.000" in faktur and "Rp1.100.000" in faktur
    text, name = documents.html(order, slip, world.treasurer)
    assert name.startswith("bukti-potong")
    ppn_rate = "12 % \N{MULTIPLICATION SIGN} 11/12"
    for figure in ("PPh Pasal 22", "Rp150.000", "1,5 %", ppn_rate, product.vendor.npwp):
        assert figure in text, figure

    for reader in (world.treasurer, seller):
        client.force_login(reader)
        kinds = [kind for kind, _t, _u in documents.available(order, [], reader)]
        assert slip in kinds
        answer = client.get(reverse("order-document-pdf", args=[order.pk, slip]))
        assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    for outsider in (world.requester, world.receiver):
        client.force_login(outsider)
        assert slip not in [kind for kind, _t, _u in documents.available(order, [], outsider)]
        answer = client.get(reverse("order-document-pdf", args=[order.pk, slip]))
        assert answer.status_code == 404


def test_before_accepting_the_vendor_sees_its_net_and_how_the_department_pays(
    client, api_as, world, tailor
):
    product, seller = tailor
    for number in range(5):  # five invoices of the department, each paid the day it was billed
        order, [invoice] = delivered(world, product, seller, "10", ("10",))
        pay(world, order, invoice, f"{number}/SP2D")
    order = world.order((product, "100"))[0]
    transitions.order_approve(order=order, by=world.approver)
    client.force_login(seller)
    page = client.get(reverse("order-detail", args=[order.pk])).content.decode()
    assert "Rp9.850.000" in page
    assert "0 hari kerja (median)" in page and "100 % dalam 5 hari kerja" in page
    answer = api_as(seller).get(reverse("api:order-detail", args=[order.pk])).json()
    assert answer["expected_net"] == 9_850_000
    assert answer["buyer_payment_record"] == {
        "median_working_days": 0.0,
        "share_on_time": 100.0,
        "target_working_days": 5,
        "payments": 5,
        "new_buyer": False,
    }
    # The department's people see neither: they are the vendor's figures.
    answer = api_as(world.requester).get(reverse("api:order-detail", args=[order.pk])).json()
    assert answer["expected_net"] is None and answer["buyer_payment_record"] is None


def test_a_department_with_fewer_than_five_payments_is_a_new_buyer(client, world, tailor):
    product, seller = tailor
    order = world.order((product, "10"))[0]
    transitions.order_approve(order=order, by=world.approver)
    client.force_login(seller)
    page = client.get(reverse("order-detail", args=[order.pk])).content.decode()
    assert "Pembeli baru: 0 pembayaran" in page


def test_the_treasurers_home_lists_invoices_by_time_left_overdue_first(login, world, tailor):
    product, seller = tailor
    _order, [late] = delivered(world, product, seller, "10", ("10",))
    _order, [fresh] = delivered(world, product, seller, "10", ("10",))
    long_ago = timezone.now() - datetime.timedelta(days=30)
    Invoice.objects.filter(pk=late.pk).update(due_at=long_ago)
    home = login(world.treasurer).get("/").content.decode()
    clock = home.split("payment-clock")[1]
    assert clock.index(late.number) < clock.index(fresh.number)
    assert "terlambat" in clock and "hari kerja lagi" in clock
    assert "payment-clock" not in login(world.requester).get("/").content.decode()


def test_paying_through_the_api_answers_what_was_collected_and_sent(api_as, world, tailor):
    product, seller = tailor
    order, [invoice] = delivered(world, product, seller)
    answer = api_as(world.treasurer).post(
        reverse("api:order-pay", args=[order.pk]),
        {"invoice": invoice.pk, "sp2d_number": "9/SP2D", "sp2d_date": TODAY().isoformat()},
        format="json",
    )
    assert answer.status_code == 200, answer.json()
    [payment] = answer.json()["payments"]
    assert (payment["amount"], payment["ppn_collected"], payment["net_to_vendor"]) == (
        11_100_000,
        1_100_000,
        9_850_000,
    )
    assert payment["income_tax"] == {"kind": "pph22", "rate": "1.50", "amount": 150_000}
