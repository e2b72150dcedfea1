"""The bell: a PPK sees an order waiting, opens it from the bell and approves it; the vendor, on
a phone, finds the new order under its bell, chooses English for its messages (the pages stay
Indonesian), then switches the pages to English and reads its news there."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.factories import PASSWORD
from tests.markers import committing

pytestmark = [pytest.mark.browser, committing]


def test_the_bell_leads_each_person_to_their_turn(new_page, live_server, world):
    url = live_server.url
    (order,) = world.order((world.rice, "100"))

    approver = new_page()
    sign_in(approver, url, world.approver.username, PASSWORD)
    bell = approver.get_by_role("link", name="Notifikasi, 1 belum dibaca")
    expect(bell).to_be_visible()
    bell.click()
    waiting = approver.get_by_text(f"Pesanan {order.number} menunggu persetujuan Anda")
    expect(waiting).to_be_visible()
    approver.get_by_role("button", name="Buka").click()
    expect(approver).to_have_url(f"{url}/orders/{order.pk}/")
    expect(approver.get_by_role("link", name="Notifikasi, 0 belum dibaca")).to_be_visible()
    approver.locator("summary", has_text="Setujui").click()
    approver.get_by_role("button", name="Ya, setujui Rp1.450.000").click()
    expect(approver.get_by_text("Disetujui").first).to_be_visible()

    vendor = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    sign_in(vendor, url, world.rice_seller.username, PASSWORD)
    vendor.get_by_role("link", name="Notifikasi, 1 belum dibaca").click()
    expect(vendor.get_by_text(f"Pesanan baru {order.number} perlu Anda terima")).to_be_visible()
    expect(vendor.get_by_text("Dinas Pendidikan memesan senilai Rp1.450.000")).to_be_visible()

    vendor.get_by_role("link", name="Surel, WhatsApp dan bahasa").click()
    vendor.get_by_label("English").check()
    vendor.get_by_role("button", name="Simpan").click()
    expect(vendor.get_by_text("Pilihan Anda disimpan.")).to_be_visible()
    expect(vendor.locator("html")).to_have_attribute("lang", "id")
    vendor.get_by_role("button", name="EN").click()
    vendor.get_by_role("link", name="Back to notifications").click()
    expect(vendor.get_by_text(f"New order {order.number} to accept")).to_be_visible()
    vendor.get_by_role("button", name="Open").click()
    expect(vendor.get_by_role("button", name="Accept order")).to_be_visible()
