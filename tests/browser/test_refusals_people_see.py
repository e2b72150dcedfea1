"""What a person sees when something cannot be done: only the links and buttons they may use,
a department without a PPK explained, and every refusal named on its field."""

import pytest
from playwright.sync_api import expect

from market.models import DepartmentRole
from tests.browser.conftest import sign_in
from tests.factories import (
    PASSWORD,
    BudgetLineFactory,
    DepartmentFactory,
    finance_officer,
    member,
)
from tests.markers import committing
from tests.orders.test_inputs import invoiced

pytestmark = [pytest.mark.browser, committing]


def test_people_are_offered_only_what_they_may_use(new_page, live_server, world):
    url = live_server.url
    world.standing_order()

    # A wrong password is said once, plainly.
    finance = new_page()
    sign_in(finance, url, finance_officer(username="hendra").username, "wrong")
    wrong = "Nama pengguna atau kata sandi salah"
    expect(finance.locator(".errors", has_text=wrong)).to_be_visible()

    # A finance officer reads orders and standing orders but has no cart and stops nothing.
    sign_in(finance, url, "hendra", PASSWORD)
    menu = finance.get_by_role("navigation", name="Menu utama")
    expect(menu.get_by_role("link", name="Pesanan rutin")).to_be_visible()
    expect(menu.get_by_role("link", name="Keranjang")).to_have_count(0)
    menu.get_by_role("link", name="Pesanan rutin").click()
    expect(finance.get_by_role("heading", name="Beras ASN")).to_be_visible()
    expect(finance.get_by_role("button", name="Hentikan")).to_have_count(0)

    # The catalogue's filters offer "Semua", not "Tidak diketahui" or dashes.
    finance.goto(f"{url}/catalog/")
    finance.get_by_text("Filter", exact=True).click()
    for label in ("Usaha lokal", "Skala usaha"):
        expect(finance.get_by_label(label, exact=True).locator("option").first).to_have_text(
            "Semua"
        )

    # The department's requester may stop it.
    requester = new_page()
    sign_in(requester, url, world.requester.username, PASSWORD)
    requester.goto(f"{url}/standing-orders/")
    expect(requester.get_by_role("button", name="Hentikan")).to_be_visible()


def test_a_department_without_a_ppk_explains_itself(new_page, live_server, world):
    dinkes = DepartmentFactory(code="DINKES", name="Dinas Kesehatan")
    BudgetLineFactory(department=dinkes)
    member(DepartmentRole.REQUESTER, dinkes, username="dewi")
    page = new_page()
    sign_in(page, live_server.url, "dewi", PASSWORD)
    page.goto(f"{live_server.url}/catalog/{world.rice.pk}/")
    page.get_by_label("Jumlah").fill("10")
    page.get_by_role("button", name="Tambah ke keranjang").click()
    expect(page.get_by_text("DINKES belum memiliki Pejabat Pembuat Komitmen (PPK)")).to_be_visible()
    expect(page.get_by_role("button", name="Ajukan pesanan")).to_have_count(0)


def test_one_sp2d_number_cannot_pay_two_invoices(new_page, live_server, world):
    first, second = invoiced(world, "10"), invoiced(world, "20")
    page = new_page()
    sign_in(page, live_server.url, world.treasurer.username, PASSWORD)
    for order, expected in ((first, "Dibayar"), (second, "Ditagihkan")):
        page.goto(f"{live_server.url}/orders/{order.pk}/")
        page.locator("summary", has_text="Catat transfer kas daerah (SP2D)").click()
        page.get_by_label("Nomor SP2D").fill("00456/SP2D/LS/2026")
        page.get_by_role("button", name="Ya, catat pembayaran").click()
        expect(page.locator(".status")).to_have_text(expected)
    expect(page.locator(".error-summary")).to_contain_text("sudah dipakai")
    field = page.locator(".field.has-error")
    expect(field).to_contain_text("SP2D 00456/SP2D/LS/2026 tahun")
    expect(field).to_contain_text("sudah dipakai untuk membayar tagihan lain")


def test_a_standing_order_below_the_minimum_is_refused_on_its_field(new_page, live_server, world):
    page = new_page()
    sign_in(page, live_server.url, world.requester.username, PASSWORD)
    page.goto(f"{live_server.url}/catalog/{world.rice.pk}/")
    page.get_by_role("link", name="Pesan setiap bulan").click()
    page.get_by_label("Nama", exact=True).fill("Beras ASN")
    page.get_by_label("Jumlah per bulan").fill("5")
    page.get_by_label("Pos anggaran").select_option(index=1)
    page.get_by_label("Pejabat Pembuat Komitmen (PPK)").select_option(
        label=world.approver.display_name
    )
    page.get_by_label("Tanggal setiap bulan").fill("1")
    page.get_by_role("button", name="Jadwalkan").click()
    minimum = "Pemesanan Beras lokal paling sedikit 10 kg."
    expect(page.locator(".field-error", has_text=minimum)).to_be_visible()
    assert not world.department.standing_orders.exists()
