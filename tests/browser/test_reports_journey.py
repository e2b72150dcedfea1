"""Journey: money spent with small businesses shows up in the reports. A finance officer opens the
dashboard from the menu and reads every department's position, in rupiah and percent written the
Indonesian way, with its status and SVG charts, then one department's page; a requester reads
only their own department, and a vendor has no reports at all; anyone, without signing in, reads
each department's spending on the transparency page and follows its links to the open data."""

import re
from decimal import Decimal

import pytest
from django.utils import formats, timezone, translation
from playwright.sync_api import expect

from market.models import DepartmentRole
from orders.services import payments, transitions
from procurement.evaluation import pace
from procurement.services import compliance_snapshots_refresh
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


def columns(table, row) -> dict:
    """A table row's cells by the headings a person reads above them."""
    headings = table.locator("thead th").all_inner_texts()
    return {heading.strip(): row.get_by_role("cell").nth(i) for i, heading in enumerate(headings)}


def chart(page, title):
    """The SVG chart under a caption (its `role="img"` is named after it)."""
    figure = page.locator("figure.chart").filter(has_text=title)
    expect(figure.locator("figcaption")).to_have_text(title)
    svg = figure.get_by_role("img", name=title)
    expect(svg).to_be_visible()
    return svg


def expect_bars(svg, bars: dict[str, str]) -> None:
    """One bar per label, largest first, each written with its amount."""
    expect(svg.locator("rect.chart-bar")).to_have_count(len(bars))
    expect(svg.locator("text.chart-label")).to_have_text(list(bars))
    expect(svg.locator("text.chart-value")).to_have_text(list(bars.values()))


def test_spend_with_small_businesses_shows_in_reports_and_open_data(new_page, live_server, world):
    url = live_server.url
    fiscal_year = world.line.fiscal_year
    year = fiscal_year.year

    # DISDIK (Rp100.000.000) has paid Rp1.450.000 for 100 kg of rice from a micro business and
    # committed Rp450.000 to 100 besek from a small, women-led one: Rp1.900.000, 1,9 %.
    rice = invoiced(world, "100")
    payments.order_pay(
        order=rice,
        by=world.treasurer,
        sp2d_number=f"00123/SP2D/LS/{year}",
        sp2d_date=timezone.localdate(),
    )
    besek = world.order((world.besek, "100"))[0]
    transitions.order_approve(order=besek, by=world.approver)

    # DINKES (Rp1.000.000) has committed Rp450.000 to besek: 45 %, past the 40 % target.
    dinkes = DepartmentFactory(code="DINKES", name="Dinas Kesehatan")
    dinkes_line = BudgetLineFactory(department=dinkes, allocated=1_000_000)
    dinkes_ppk = member(DepartmentRole.APPROVER, dinkes)
    dinkes_besek = world.order(
        (world.besek, "100"),
        requester=member(DepartmentRole.REQUESTER, dinkes),
        department=dinkes,
        line=dinkes_line,
        approver=dinkes_ppk,
    )[0]
    transitions.order_approve(order=dinkes_besek, by=dinkes_ppk)

    # The nightly job measures the months so far, this one included.
    assert compliance_snapshots_refresh(fiscal_year=fiscal_year) >= 2

    # What the date makes of DISDIK: 1,9 % is on track only in the year's first weeks.
    today_pace = pace(Decimal(40), fiscal_year)
    pace_text = f"{today_pace:.1f}".replace(".", ",")
    disdik_status = "Sesuai laju" if Decimal("1.9") >= today_pace else "Tertinggal"
    with translation.override("id"):
        month = formats.date_format(timezone.localdate(), "M")
    district = world.rice.vendor.village.district.name

    def signed_in(user):
        page = new_page()
        sign_in(page, url, user.username, PASSWORD)
        expect(page.locator("h1")).to_have_text(f"Selamat datang, {user.display_name}")
        return page

    def department_row(page, code):
        return page.locator("table.compliance tbody tr").filter(
            has=page.get_by_role("link", name=code, exact=True)
        )

    # 1. The finance officer opens the reports from the menu and sees every department.
    finance = signed_in(finance_officer())
    finance.get_by_role("navigation", name="Menu utama").get_by_role(
        "link", name="Laporan", exact=True
    ).click()
    expect(finance.locator("h1")).to_have_text(f"Belanja dan kepatuhan {year}")
    expect(finance.get_by_text("Paling sedikit 40 % anggaran barang")).to_be_visible()
    table = finance.locator("table.compliance")
    expect(table.locator("tbody tr")).to_have_count(2)
    disdik = department_row(finance, "DISDIK")
    expect(disdik.get_by_role("cell").first).to_have_text("DISDIK Dinas Pendidikan")
    cells = columns(table, disdik)
    # The verdict comes right after the department, with the target and today's pace under it.
    expect(table.locator("thead th").nth(1)).to_have_text("Status")
    expect(cells["Status"].locator(".status")).to_have_text(disdik_status)
    expect(cells["Status"].locator(".share")).to_have_text(["target 40 %", f"laju {pace_text} %"])
    # What is committed and realised sits under the budget.
    expect(cells["Anggaran"]).to_have_text(re.compile(r"^Rp100\.000\.000"))
    expect(cells["Anggaran"].locator(".share")).to_have_text(
        ["Rp450.000 terkomitmen", "Rp1.450.000 terealisasi"]
    )
    small = cells["Usaha kecil dan koperasi"]
    expect(small).to_contain_text("Rp1.900.000")
    expect(small.locator(".share")).to_have_text(["1,9 % dari anggaran", "100,0 % dari belanja"])
    expect(cells["Usaha yang dipimpin perempuan"]).to_contain_text("Rp450.000")
    expect(cells["Usaha yang dipimpin perempuan"].locator(".share")).to_have_text(
        ["0,5 % dari anggaran", "23,7 % dari belanja"]
    )
    expect(cells["Usaha lokal"].locator(".share").last).to_have_text("target 40 %")

    dinkes_cells = columns(table, department_row(finance, "DINKES"))
    expect(dinkes_cells["Usaha kecil dan koperasi"].locator(".share")).to_have_text(
        ["45,0 % dari anggaran", "100,0 % dari belanja"]
    )
    expect(dinkes_cells["Status"].locator(".status")).to_have_text("Target tercapai")

    # The organisation's total: Rp2.350.000 of Rp101.000.000 (2,3 %).
    total = table.locator("tfoot tr")
    expect(total.get_by_role("rowheader")).to_have_text("Semua perangkat daerah")
    expect(total).to_contain_text("Rp101.000.000")
    expect(total).to_contain_text("Rp2.350.000")
    expect(total).to_contain_text("2,3 % dari anggaran")

    # The charts are drawn in the page: the month's share against the target, and the bars.
    share = chart(finance, "Pangsa usaha kecil dari anggaran, per bulan")
    expect(share.locator("line.chart-target")).to_have_count(1)
    expect(share.get_by_text("target 40 %")).to_have_count(1)
    expect(share.locator("polyline.chart-line")).to_have_count(1)
    expect(share.locator("circle.chart-dot title").last).to_have_text(f"{month}: 2,3 %")
    expect_bars(
        chart(finance, "Belanja per kategori"), {"Beras": "Rp1.450.000", "Besek": "Rp900.000"}
    )
    expect_bars(chart(finance, "Belanja per kecamatan penyedia"), {district: "Rp2.350.000"})

    # ... and DISDIK's own page, from its row.
    disdik.get_by_role("link", name="DISDIK", exact=True).click()
    expect(finance.locator("h1")).to_have_text(f"DISDIK — Dinas Pendidikan · {year}")
    expect(finance.locator(".card p").first).to_have_text(
        f"{disdik_status}: 1,9 % anggaran dibelanjakan pada usaha kecil dan koperasi; "
        f"target 40 %, {pace_text} % hari ini."
    )
    table = finance.locator("table.compliance")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table.locator("tfoot")).to_have_count(0)
    expect(
        columns(table, department_row(finance, "DISDIK"))["Anggaran"].locator(".share").last
    ).to_have_text("Rp1.450.000 terealisasi")
    share = chart(finance, "Pangsa usaha kecil dari anggaran, per bulan")
    expect(share.locator("circle.chart-dot title").last).to_have_text(f"{month}: 1,9 %")
    expect_bars(
        chart(finance, "Belanja per kategori"), {"Beras": "Rp1.450.000", "Besek": "Rp450.000"}
    )
    expect_bars(chart(finance, "Belanja per kecamatan penyedia"), {district: "Rp1.900.000"})
    finance.get_by_role("link", name="Semua perangkat daerah yang boleh Anda lihat").click()
    expect(finance.locator("h1")).to_have_text(f"Belanja dan kepatuhan {year}")

    # 2. DISDIK's requester reads DISDIK only; DINKES's page is not found for them.
    requester = signed_in(world.requester)
    requester.get_by_role("navigation", name="Menu utama").get_by_role(
        "link", name="Laporan", exact=True
    ).click()
    table = requester.locator("table.compliance")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(requester.get_by_role("link", name="DINKES")).to_have_count(0)
    expect(table.locator("tfoot")).to_have_count(0)  # no organisation's total either
    # Their charts add up DISDIK alone, not the whole organisation (2,3 %, Rp900.000 of besek).
    share = chart(requester, "Pangsa usaha kecil dari anggaran, per bulan")
    expect(share.locator("circle.chart-dot title").last).to_have_text(f"{month}: 1,9 %")
    expect_bars(
        chart(requester, "Belanja per kategori"), {"Beras": "Rp1.450.000", "Besek": "Rp450.000"}
    )
    department_row(requester, "DISDIK").get_by_role("link", name="DISDIK").click()
    expect(requester.locator("h1")).to_have_text(f"DISDIK — Dinas Pendidikan · {year}")
    refused = requester.goto(f"{url}/reports/DINKES/")
    assert refused.status == 404
    expect(requester.locator("h1")).to_have_text("Tidak ditemukan.")
    expect(requester.get_by_text("Dinas Kesehatan")).to_have_count(0)

    # A vendor has no reports in the menu, and the page is not found for them.
    vendor = signed_in(world.rice_seller)
    menu = vendor.get_by_role("navigation", name="Menu utama")
    expect(menu.get_by_role("link", name="Pesanan masuk")).to_be_visible()
    expect(menu.get_by_role("link", name="Laporan")).to_have_count(0)
    assert vendor.goto(f"{url}/reports/").status == 404
    expect(vendor.locator("h1")).to_have_text("Tidak ditemukan.")

    # 3. Anyone reads the transparency page, from the menu, without signing in.
    public = new_page()
    public.goto(f"{url}/")
    public.get_by_role("navigation", name="Menu utama").get_by_role(
        "link", name="Transparansi"
    ).click()
    expect(public.locator("h1")).to_have_text(
        f"Ke mana anggaran barang pemerintah daerah dibelanjakan · {year}"
    )
    table = public.locator("table").first
    expect(table.locator("tbody tr")).to_have_count(2)
    row = table.locator("tbody tr").filter(has_text="DISDIK")
    cells = columns(table, row)
    expect(cells["Perangkat daerah"]).to_have_text("DISDIK Dinas Pendidikan")
    expect(cells["Anggaran"]).to_have_text("Rp100.000.000")
    expect(cells["Dibelanjakan"]).to_have_text("Rp1.900.000")
    expect(cells["Pada usaha kecil dan koperasi"]).to_contain_text("Rp1.900.000")
    expect(cells["Pada usaha kecil dan koperasi"].locator(".muted")).to_have_text("1,9 %")
    expect(cells["Pada usaha kecil lokal"].locator(".muted")).to_have_text("1,9 %")
    expect(cells["Terhadap target"]).to_have_text(f"{disdik_status} (40 %)")
    row = table.locator("tbody tr").filter(has_text="DINKES")
    expect(columns(table, row)["Terhadap target"]).to_have_text("Target tercapai (40 %)")
    expect_bars(
        chart(public, "Belanja pada usaha kecil dan koperasi, per perangkat daerah"),
        {"DISDIK": "Rp1.900.000", "DINKES": "Rp450.000"},
    )
    expect(public.get_by_role("listitem").filter(has_text=district)).to_have_text(f"{district}: 1")

    # The open data: the figures and every order past approval, as OCDS releases.
    open_data = public.locator("section").filter(
        has=public.get_by_role("heading", name="Data terbuka")
    )
    ocds_link = open_data.get_by_role("link", name=f"/api/v1/public/ocds/?fiscal_year={year}")
    spend_link = open_data.get_by_role("link", name=f"/api/v1/public/spend/?fiscal_year={year}")
    expect(ocds_link).to_be_visible()
    expect(spend_link).to_be_visible()

    ocds_href, spend_href = ocds_link.get_attribute("href"), spend_link.get_attribute("href")

    # Following the OCDS link shows the release package: one release per order past approval.
    ocds_link.click()
    expect(public).to_have_url(f"{url}{ocds_href}")
    for number in (rice.number, besek.number, dinkes_besek.number):
        expect(public.locator("body")).to_contain_text(f"ocds-kbr000-{number.replace('/', '-')}")

    # (A browser is shown it in Django REST framework's HTML page;) a program fetching the same
    # addresses gets JSON.
    answer = public.request.get(f"{url}{ocds_href}")
    assert answer.status == 200
    assert answer.headers["content-type"] == "application/json"
    package = answer.json()
    assert package["version"] == "1.1"
    releases = {release["tender"]["id"]: release for release in package["releases"]}
    assert set(releases) == {rice.number, besek.number, dinkes_besek.number}
    assert "implementation" in releases[rice.number]["tag"]  # paid
    buyers = {
        party["name"]
        for release in package["releases"]
        for party in release["parties"]
        if "buyer" in party["roles"]
    }
    assert buyers == {"Dinas Pendidikan", "Dinas Kesehatan"}

    answer = public.request.get(f"{url}{spend_href}")
    assert answer.headers["content-type"] == "application/json"
    figures = {row["code"]: row for row in answer.json()["departments"]}
    assert set(figures) == {"DISDIK", "DINKES"}
    assert (figures["DISDIK"]["small_business"], figures["DISDIK"]["small_business_share"]) == (
        1_900_000,
        1.9,
    )
    assert figures["DINKES"]["status"] == "met"
