"""Journey: a requester fills a two-vendor cart and charges each vendor to its own budget line;
the PPK approves, asked first with the amount; the vendor sees by when to answer, accepts and
ships part; the receiver, on a phone, sees the mistakes summed up at the top, then signs a
partial BAST; the vendor bills it (a termin) and still ships the rest, then sends the final
invoice; the treasurer pays each invoice's amount; the PDFs download with Indonesian names."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from orders.models import PurchaseOrder
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, BudgetLineFactory
from tests.markers import committing

pytestmark = [pytest.mark.browser, committing]


def test_an_order_goes_from_cart_to_payment_and_its_pdfs_download(new_page, live_server, world):
    url = live_server.url
    year = world.line.fiscal_year.year
    rice_number, besek_number = f"SP/DISDIK/{year}/00001", f"SP/DISDIK/{year}/00002"
    uniforms = BudgetLineFactory(department=world.department, name="Belanja Seragam")

    def signed_in(user):
        page = new_page()
        sign_in(page, url, user.username, PASSWORD)
        expect(page.locator("h1")).to_have_text(f"Selamat datang, {user.display_name}")
        return page

    def order_id(number):
        return PurchaseOrder.objects.get(number=number).pk

    def open_order(page, number):
        page.get_by_role("link", name=number, exact=True).click()
        expect(page.locator("h1")).to_have_text(number)

    def done(page, status):
        expect(page.get_by_role("status")).to_have_text(f"Pesanan {rice_number} diperbarui.")
        expect(page.locator(".status")).to_have_text(status)

    def do(page, button, status):
        page.get_by_role("button", name=button, exact=True).click()
        done(page, status)

    def confirm(place, opens, question, yes):
        """What cannot be undone asks first, with the amount, before its real button."""
        place.locator("summary", has_text=opens).click()
        expect(place.get_by_text(question)).to_be_visible()
        place.get_by_role("button", name=yes).click()

    # The requester adds rice twice (the second adds to the first) and besek.
    requester = signed_in(world.requester)
    for product, quantity in ((world.rice, "60"), (world.rice, "40"), (world.besek, "20")):
        requester.goto(f"{url}/catalog/{product.pk}/")
        requester.get_by_label("Jumlah").fill(quantity)
        requester.get_by_role("button", name="Tambah ke keranjang").click()
        expect(requester.get_by_role("status")).to_have_text("Ditambahkan ke keranjang.")
    rice_row = requester.get_by_role("row").filter(has_text="Beras lokal")
    expect(rice_row.get_by_label("Jumlah Beras lokal")).to_have_value("100")
    expect(rice_row.get_by_text("Rp1.450.000")).to_be_visible()  # its subtotal
    expect(requester.get_by_text("Rp1.540.000")).to_be_visible()  # the estimated total

    # A quantity below the minimum is named on its line; the remove button removes.
    rice_row.get_by_label("Jumlah Beras lokal").fill("5")
    requester.get_by_role("button", name="Perbarui jumlah").click()
    minimum = "Pemesanan Beras lokal paling sedikit 10 kg."
    expect(requester.locator(".field-error", has_text=minimum)).to_be_visible()
    expect(requester.locator(".error-summary", has_text=minimum)).to_be_in_viewport()
    requester.get_by_role("button", name="Hapus Besek bambu").click()
    expect(requester.get_by_role("cell", name="Besek bambu")).to_have_count(0)
    requester.goto(f"{url}/catalog/{world.besek.pk}/")
    requester.get_by_label("Jumlah").fill("20")
    requester.get_by_role("button", name="Tambah ke keranjang").click()

    # Checkout: rice on the staple line, besek on the uniforms line; each says what is left.
    line_label = f"{world.line.account_code} {world.line.name} — tersedia Rp100.000.000"
    requester.get_by_label("Pos anggaran", exact=True).select_option(label=line_label)
    besek_vendor = world.besek.vendor.display_name
    requester.get_by_label(f"Pos anggaran untuk {besek_vendor}").select_option(
        label=f"{uniforms.account_code} {uniforms.name} — tersedia Rp100.000.000"
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

    # The PPK approves the rice order.
    approver = signed_in(world.approver)
    approver.goto(f"{url}/orders/")
    open_order(approver, rice_number)
    confirm(
        approver, "Setujui", f"Setujui pesanan {rice_number} senilai Rp1.450.000", "Ya, setujui"
    )
    done(approver, "Disetujui")

    # The rice vendor sees by when to answer, accepts, and ships 60 of the 100 kg.
    vendor = signed_in(world.rice_seller)
    vendor.get_by_role("link", name="Pesanan masuk").click()
    row = vendor.get_by_role("row").filter(has_text=rice_number)
    expect(row.get_by_role("cell").last).not_to_be_empty()  # "Jawab paling lambat"
    expect(vendor.get_by_role("link", name=besek_number)).to_have_count(0)  # not theirs
    open_order(vendor, rice_number)
    expect(vendor.locator(".deadline")).to_contain_text("paling lambat")
    do(vendor, "Sanggupi pesanan", "Disanggupi penyedia")
    vendor.get_by_label("Beras lokal (kg)").fill("60")
    do(vendor, "Kirim", "Dikirim sebagian")

    # The receiver, on a phone: the mistakes are named at the top of the order's page, each a
    # link to its field, all at once; nothing is recorded, and a reload is the order's page.
    receiver = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    sign_in(receiver, url, world.receiver.username, PASSWORD)
    receiver.goto(f"{url}/orders/")
    open_order(receiver, rice_number)
    receiver.get_by_label("Beras lokal (kg)").fill("70")
    receiver.get_by_label("Tanggal diterima").fill("1900-01-01")
    receiver.get_by_label("Ditandatangani oleh (nama)").fill("")
    receiver.get_by_role("button", name="Catat penerimaan (BAST)").click()
    summary = receiver.locator(".error-summary")
    expect(summary).to_be_in_viewport()
    expect(summary.get_by_role("heading")).to_have_text("Ada 3 hal yang perlu diperbaiki")
    expect(summary.get_by_role("link")).to_have_count(3)
    expect(
        summary.get_by_text("Beras lokal yang sudah dikirim dan belum diterima hanya 60 kg.")
    ).to_be_visible()
    expect(receiver.get_by_text("Beberapa isian tidak valid.")).to_have_count(0)
    expect(receiver).to_have_url(f"{url}/orders/{order_id(rice_number)}/")
    summary.get_by_role("link").filter(has_text="Tanggal tidak boleh sebelum").click()
    expect(receiver.get_by_label("Tanggal diterima")).to_be_focused()
    expect(receiver.get_by_label("Beras lokal (kg)")).to_have_value("70")  # kept
    receiver.reload()
    expect(receiver.locator("h1")).to_have_text(rice_number)
    expect(receiver.locator(".error-summary")).to_have_count(0)
    expect(receiver.locator(".status")).to_have_text("Dikirim sebagian")

    # ... then a BAST for 50 kg, with a remark on the goods.
    receiver.get_by_label("Beras lokal (kg)").fill("50")
    receiver.get_by_label("Tanggal diterima").fill(timezone.localdate().isoformat())
    receiver.get_by_label("Ditandatangani oleh (nama)").fill("Siti Aminah")
    receiver.get_by_label("Keadaan barang").fill("Satu karung sobek")
    do(receiver, "Catat penerimaan (BAST)", "Barang diterima sebagian")

    # The vendor bills those 50 kg (a termin), told first what it bills and that the rest can
    # still come; then ships and the receiver receives the rest, and it sends the final invoice.
    vendor.reload()
    confirm(
        vendor,
        "Kirim tagihan",
        f"Kirim tagihan sebesar Rp725.000 untuk barang yang sudah diterima (BAST/DISDIK/{year}/"
        f"00001)? Sisa pesanan {rice_number}, senilai Rp725.000, masih dapat dikirim",
        "Ya, kirim tagihan Rp725.000",
    )
    done(vendor, "Barang diterima sebagian")
    vendor.get_by_label("Beras lokal (kg)").fill("40")
    do(vendor, "Kirim", "Barang diterima sebagian")
    receiver.reload()
    receiver.get_by_label("Beras lokal (kg)").fill("50")
    receiver.get_by_label("Ditandatangani oleh (nama)").fill("Siti Aminah")
    do(receiver, "Catat penerimaan (BAST)", "Barang diterima")
    vendor.reload()
    confirm(vendor, "Kirim tagihan", "Ini tagihan terakhir", "Ya, kirim tagihan Rp725.000")
    done(vendor, "Ditagihkan")

    # The treasurer pays each invoice its own amount, not the order's total, on a phone too.
    treasurer = signed_in(world.treasurer)
    treasurer.goto(f"{url}/orders/")
    open_order(treasurer, rice_number)
    for termin, number in enumerate((f"INV/DISDIK/{year}/00001", f"INV/DISDIK/{year}/00001-2")):
        action = treasurer.locator(".action").filter(has_text=f"Bayar tagihan {number}: Rp725.000")
        action.locator("summary", has_text="Catat transfer kas daerah").click()
        action.get_by_label("Nomor SP2D").fill(f"0012{termin}/SP2D/LS/2026")
        expect(
            action.get_by_text(f"Catat tagihan {number} sebagai lunas: Rp725.000")
        ).to_be_visible()
        action.get_by_role("button", name="Ya, catat pembayaran Rp725.000").click()
        done(treasurer, "Ditagihkan" if termin == 0 else "Dibayar")

    # Every document of the order downloads as a PDF, named in Indonesian.
    documents = treasurer.locator("section").filter(
        has=treasurer.get_by_role("heading", name="Dokumen")
    )
    links = {
        "Surat pesanan": "surat-pesanan-SP-DISDIK",
        f"BAST BAST/DISDIK/{year}/00001": "berita-acara-serah-terima-BAST-DISDIK",
        f"BAST BAST/DISDIK/{year}/00002": "berita-acara-serah-terima-BAST-DISDIK",
        f"Tagihan INV/DISDIK/{year}/00001": "faktur-INV-DISDIK",
        f"Tagihan INV/DISDIK/{year}/00001-2": "faktur-INV-DISDIK",
        f"Kuitansi KW/INV/DISDIK/{year}/00001": "kuitansi-KW-INV-DISDIK",
        f"Kuitansi KW/INV/DISDIK/{year}/00001-2": "kuitansi-KW-INV-DISDIK",
    }
    expect(documents.get_by_role("link")).to_have_count(len(links))
    for name, prefix in links.items():
        with treasurer.expect_download() as download:
            documents.get_by_role("link", name=name, exact=True).click()
        assert download.value.suggested_filename.startswith(prefix), name
        with open(download.value.path(), "rb") as pdf:
            assert pdf.read(5) == b"%PDF-", name

    # The budget line has realised what was delivered, in two termins, and nothing of the rice
    # order stays committed; the besek order stays committed on its own line.
    world.line.refresh_from_db()
    uniforms.refresh_from_db()
    assert (world.line.realised, world.line.committed) == (1_450_000, 0)
    assert uniforms.committed == 20 * world.besek.unit_price
