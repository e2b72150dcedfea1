"""Journey: a requester checks out a two-vendor cart, the PPK approves, the vendor accepts and
ships, the receiver receives in part, the vendor invoices, the treasurer pays, and the PDFs
download."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.factories import PASSWORD
from tests.markers import committing

pytestmark = [pytest.mark.browser, committing]


def test_an_order_goes_from_cart_to_payment_and_its_pdfs_download(
    new_page,
    live_server,
    world,
):
    url = live_server.url
    year = world.line.fiscal_year.year
    rice_number, besek_number = f"SP/DISDIK/{year}/00001", f"SP/DISDIK/{year}/00002"

    def signed_in(user):
        page = new_page()
        sign_in(page, url, user.username, PASSWORD)
        expect(page.locator("h1")).to_have_text(f"Selamat datang, {user.display_name}")
        return page

    def open_order(page, number):
        page.get_by_role("link", name=number, exact=True).click()
        expect(page.locator("h1")).to_have_text(number)

    def do(page, button, status):
        page.get_by_role("button", name=button, exact=True).click()
        expect(page.get_by_role("status")).to_have_text(f"Pesanan {rice_number} diperbarui.")
        expect(page.locator(".status")).to_have_text(status)

    # The requester puts rice and besek, from two vendors, in the cart from the product pages.
    requester = signed_in(world.requester)
    for product, quantity in ((world.rice, "100"), (world.besek, "20")):
        requester.goto(f"{url}/catalog/{product.pk}/")
        requester.get_by_label("Jumlah").fill(quantity)
        requester.get_by_role("button", name="Tambah ke keranjang").click()
        expect(requester.get_by_role("status")).to_have_text("Ditambahkan ke keranjang.")
    expect(requester.get_by_role("cell", name="Beras lokal", exact=True)).to_be_visible()
    expect(requester.get_by_role("cell", name="Besek bambu", exact=True)).to_be_visible()

    # ... and checks out: one purchase order per vendor, numbered in turn.
    requester.get_by_label("Pos anggaran").select_option(
        label=f"{world.line.account_code} {world.line.name}"
    )
    requester.get_by_label("Pejabat Pembuat Komitmen (PPK)").select_option(
        label=world.approver.display_name
    )
    requester.get_by_label("Alamat pengiriman").fill("Kantor Dinas Pendidikan, Jl. Adisucipto")
    in_a_week = timezone.localdate() + datetime.timedelta(days=7)
    requester.get_by_label("Tanggal pengiriman").fill(in_a_week.isoformat())
    requester.get_by_role("button", name="Ajukan pesanan").click()
    expect(requester.get_by_role("status")).to_have_text(
        f"Diajukan untuk persetujuan: {rice_number}, {besek_number}"
    )
    for number in (rice_number, besek_number):
        row = requester.get_by_role("row").filter(has_text=number)
        expect(row.locator(".status")).to_have_text("Diajukan")

    # The PPK approves the rice order.
    approver = signed_in(world.approver)
    approver.goto(f"{url}/orders/")
    open_order(approver, rice_number)
    expect(approver.locator(".status")).to_have_text("Diajukan")
    do(approver, "Setujui", "Disetujui")

    # The rice vendor finds it among its incoming orders, accepts it and ships everything.
    vendor = signed_in(world.rice_seller)
    vendor.get_by_role("link", name="Pesanan masuk").click()
    expect(vendor).to_have_url(f"{url}/vendor/orders/")
    expect(vendor.get_by_role("link", name=rice_number)).to_be_visible()
    expect(vendor.get_by_role("link", name=besek_number)).to_have_count(0)  # not theirs
    open_order(vendor, rice_number)
    do(vendor, "Terima pesanan", "Diterima penyedia")
    vendor.get_by_label("Beras lokal (kg)").fill("100")
    do(vendor, "Kirim", "Dikirim")

    # The receiver signs a BAST for 60 of the 100 kg.
    receiver = signed_in(world.receiver)
    receiver.goto(f"{url}/orders/")
    open_order(receiver, rice_number)
    receiver.get_by_label("Beras lokal (kg)").fill("60")
    expect(receiver.get_by_label("Tanggal diterima")).not_to_have_value("")
    receiver.get_by_label("Ditandatangani oleh (nama)").fill("Siti Aminah")
    do(receiver, "Catat penerimaan (BAST)", "Diterima sebagian")

    # The vendor bills what was received.
    vendor.reload()
    do(vendor, "Kirim tagihan", "Ditagihkan")

    # The treasurer pays by SP2D.
    treasurer = signed_in(world.treasurer)
    treasurer.goto(f"{url}/orders/")
    open_order(treasurer, rice_number)
    treasurer.get_by_label("Nomor SP2D").fill("00123/SP2D/LS/2026")
    do(treasurer, "Bayar", "Dibayar")

    # Every document of the order downloads as a PDF.
    documents = treasurer.locator("section").filter(
        has=treasurer.get_by_role("heading", name="Dokumen")
    )
    links = ("Surat pesanan", f"BAST BAST/DISDIK/{year}/00001", "Tagihan", "Kuitansi")
    expect(documents.get_by_role("link")).to_have_count(len(links))
    for name in links:
        with treasurer.expect_download() as download:
            documents.get_by_role("link", name=name, exact=True).click()
        assert download.value.suggested_filename.endswith(f"SP-DISDIK-{year}-00001.pdf")
        with open(download.value.path(), "rb") as pdf:
            assert pdf.read(5) == b"%PDF-", name

    # The budget line has realised what was received, 60 kg at Rp14.500; the rest of the rice
    # order is released, and only the besek order stays committed.
    world.line.refresh_from_db()
    assert world.line.realised == 60 * world.rice.unit_price == 870_000
    assert world.line.committed == 20 * world.besek.unit_price
