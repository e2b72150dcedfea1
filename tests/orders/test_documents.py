"""The order's papers say what happened: dates, partial receipts, the vendor's own letterhead on
its invoice and kuitansi, the amount in words and a stamp-duty box when the law asks for one."""

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format

from market.money import rupiah_in_words
from orders import documents
from orders.selectors import response_deadlines
from orders.services import payments, transitions
from tests.orders.test_inputs import invoiced, receive, shipped

pytestmark = pytest.mark.django_db


def test_the_purchase_order_states_the_day_the_vendor_must_answer_by(world):
    order = world.order((world.rice, "100"))[0]
    text, filename = documents.html(order, "purchase-order")
    assert "3 hari kerja setelah disetujui PPK" in text
    assert filename == f"surat-pesanan-{order.number.replace('/', '-')}.pdf"
    transitions.order_approve(order=order, by=world.approver)
    order.refresh_from_db()
    with translation.override("id"):
        deadline = date_format(response_deadlines([order])[order.pk], "j F Y")
    assert f"paling lambat tanggal {deadline}" in documents.html(order, "purchase-order")[0]


def test_a_partial_bast_says_what_was_not_received_and_the_goods_condition(world):
    order, line = shipped(world, "100", "100")
    receipt = receive(world, order, line, "60", condition="Dua karung basah")
    text, filename = documents.html(order, f"bast-{receipt.pk}")
    assert "sesuai pesanan" not in text
    assert "Barang yang belum diterima:\n40 kg Beras lokal" in text
    assert "Keadaan barang menurut penerima: Dua karung basah" in text
    assert filename.startswith("berita-acara-serah-terima-BAST-DISDIK-")

    last = receive(world, order, line, "40")
    text = documents.html(order, f"bast-{last.pk}")[0]
    assert "seluruh barang yang dipesan telah diterima" in text
    assert "baik, tanpa catatan" in text
    # The first BAST still states what was true when it was signed.
    assert "Barang yang belum diterima" in documents.html(order, f"bast-{receipt.pk}")[0]


def test_the_invoice_and_kuitansi_are_the_vendors_papers_with_the_amount_in_words(world):
    order = invoiced(world, "400")  # 400 kg x Rp14.500 = Rp5.800.000, above the stamp duty line
    payments.order_pay(
        order=order, by=world.treasurer, sp2d_number="9/SP2D", sp2d_date=timezone.localdate()
    )
    order.refresh_from_db()
    vendor = world.rice.vendor
    invoice, invoice_name = documents.html(order, f"invoice-{order.invoices.get().pk}")
    header = invoice.split("</header>")[0]
    assert vendor.legal_name in header and vendor.npwp in header
    assert "Pemerintah Kabupaten" not in header
    assert invoice_name.startswith("faktur-INV-DISDIK-")

    kuitansi, kuitansi_name = documents.html(order, f"kuitansi-{order.payments.get().pk}")
    assert vendor.legal_name in kuitansi.split("</header>")[0]
    assert "Lima juta delapan ratus ribu rupiah" in kuitansi
    assert 'class="stamp"' in kuitansi
    assert kuitansi_name.startswith("kuitansi-KW-INV-DISDIK-")


def test_no_stamp_duty_box_at_or_below_five_million(world):
    order = invoiced(world, "100")  # Rp1.450.000
    payments.order_pay(
        order=order, by=world.treasurer, sp2d_number="10/SP2D", sp2d_date=timezone.localdate()
    )
    order.refresh_from_db()
    kuitansi = documents.html(order, f"kuitansi-{order.payments.get().pk}")[0]
    assert "Satu juta empat ratus lima puluh ribu rupiah" in kuitansi
    assert 'class="stamp"' not in kuitansi


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (0, "Nol rupiah"),
        (11, "Sebelas rupiah"),
        (115, "Seratus lima belas rupiah"),
        (1_000, "Seribu rupiah"),
        (1_250_000, "Satu juta dua ratus lima puluh ribu rupiah"),
        (200_000_000, "Dua ratus juta rupiah"),
        (1_001_001_001, "Satu miliar satu juta seribu satu rupiah"),
    ],
)
def test_amounts_in_words(amount, words):
    assert rupiah_in_words(amount) == words


def test_an_issued_invoice_keeps_the_account_it_was_billed_to(world):
    from vendors.services import vendor_update

    order = invoiced(world, "100")
    vendor_update(vendor=world.rice.vendor, by=world.rice_seller, bank_account_number="7777777777")
    order.refresh_from_db()
    invoice = documents.html(order, f"invoice-{order.invoices.get().pk}")[0]
    assert "1000200030" in invoice and "7777777777" not in invoice
