"""Journey: a PKP tailoring cooperative, on a phone, opens an order of Rp11.100.000 before
accepting it and reads what will reach its account after taxes (Rp9.850.000) and how fast the
department pays; it accepts. Once the shirts are delivered and billed, the treasurer, on a
laptop, reads the same figures before paying by SP2D, pays, and downloads the withholding slip
(bukti potong); the tax register lists its lines."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from orders.services import payments, transitions
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD
from tests.markers import committing
from tests.orders.test_inputs import receive

pytestmark = [pytest.mark.browser, committing]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
WIDER_THAN_THE_SCREEN = (
    "document.documentElement.scrollWidth > document.documentElement.clientWidth"
)


def test_the_vendor_sees_its_net_before_accepting_and_the_treasurer_pays_net_of_taxes(
    new_page, live_server, world, tailor
):
    url = live_server.url
    shirts, seller = tailor  # a PKP cooperative selling at Rp111.000 a piece
    # DISDIK's record: five invoices, each paid the day it was complete.
    for number in range(5):
        paid = world.order((world.rice, "10"))[0]
        transitions.order_approve(order=paid, by=world.approver)
        transitions.order_accept(order=paid, by=world.rice_seller)
        line = paid.lines.get()
        transitions.order_ship(order=paid, by=world.rice_seller, quantities={line.pk: "10"})
        receive(world, paid, line, "10")
        transitions.order_invoice(order=paid, by=world.rice_seller)
        payments.order_pay(
            order=paid,
            by=world.treasurer,
            sp2d_number=f"{number}/SP2D",
            sp2d_date=timezone.localdate(),
        )
    order = world.order((shirts, "100"))[0]
    transitions.order_approve(order=order, by=world.approver)

    # The cooperative, on its phone, reads what reaches its account before it accepts.
    phone = new_page(**PHONE)
    sign_in(phone, url, seller.username, PASSWORD)
    phone.goto(f"{url}/orders/{order.pk}/")
    preview = phone.locator("section.vendor-preview")
    expect(preview.get_by_role("heading", name="Yang masuk ke rekening Anda")).to_be_visible()
    expect(preview.locator(".net strong")).to_have_text("Rp9.850.000")
    expect(preview).to_contain_text("dari Rp11.100.000, bila dibayar melalui SP2D")
    expect(preview.locator(".buyer-record")).to_have_text(
        "Membayar dalam 0 hari kerja (median); 100 % dalam 5 hari kerja, dari 5 pembayaran "
        "dalam 180 hari terakhir."
    )
    preview.get_by_text("Cara pajak dihitung").click()
    expect(preview.get_by_text("PPh 22 1,5 % dari Rp10.000.000")).to_be_visible()
    assert not phone.evaluate(WIDER_THAN_THE_SCREEN)
    phone.get_by_role("button", name="Sanggupi pesanan", exact=True).click()
    expect(phone.get_by_role("status")).to_have_text(f"Pesanan {order.number} diperbarui.")

    line = order.lines.get()
    transitions.order_ship(order=order, by=seller, quantities={line.pk: "100"})
    receive(world, order, line, "100")
    invoice = transitions.order_invoice(order=order, by=seller)

    # The treasurer reads the same figures before paying, pays, and downloads the slip.
    laptop = new_page(viewport={"width": 1280, "height": 900})
    sign_in(laptop, url, world.treasurer.username, PASSWORD)
    expect(laptop.locator(".payment-clock")).to_contain_text(invoice.number)
    laptop.goto(f"{url}/orders/{order.pk}/")
    action = laptop.locator(".action").filter(has_text=f"Bayar tagihan {invoice.number}")
    figures = action.locator(".tax-figures")
    for figure in ("Rp11.100.000", "Rp1.100.000", "Rp150.000", "Rp9.850.000"):
        expect(figures).to_contain_text(figure)
    action.locator("summary", has_text="Catat transfer kas daerah").click()
    action.get_by_label("Nomor SP2D").fill("00777/SP2D/LS/2026")
    action.get_by_label("Tanggal SP2D").fill(f"{timezone.localdate():%Y-%m-%d}")
    action.get_by_role("button", name="Ya, catat pembayaran Rp11.100.000").click()
    expect(laptop.get_by_role("status")).to_have_text(f"Pesanan {order.number} diperbarui.")
    with laptop.expect_download() as download:
        laptop.get_by_role("link", name=f"Bukti potong/pungut pajak BP/{invoice.number}").click()
    assert download.value.suggested_filename.startswith("bukti-potong-BP-INV-DISDIK")
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    # The month's register lists the PPN and the PPh 22 collected.
    month = timezone.localdate()
    laptop.goto(f"{url}/taxes/register/?department=DISDIK&month={month:%Y-%m}")
    rows = laptop.locator("table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("PPN")
    expect(rows.nth(1)).to_contain_text("Rp150.000")
