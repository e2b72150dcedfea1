"""Journey: an inspector, on a phone, opens the integrity console, opens a split-purchase flag
(two orders to one vendor, Rp6.000.000 and Rp5.000.000 within 30 days, under a ceiling of
Rp10.000.000), follows its evidence to each order and back, and refers the flag for audit with
a reason; the flag then shows as referred and its history lists the review. A review without a
reason is refused with a field error in Indonesian and leaves the flag open. Neither the console
nor the flag page scrolls sideways at 390 px or at 1280 px."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from integrity.models import Flag, FlagEvent, FlagStatus
from integrity.services import scan_request, scan_run
from market.models import OrganisationRole
from procurement.models import Policy
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, OrganisationMembershipFactory
from tests.integrity.conftest import placed, product_of
from tests.markers import committing

pytestmark = [pytest.mark.browser, committing]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
WIDTHS = ({"width": 390, "height": 844}, {"width": 1280, "height": 800})

# What is wrong with a page in the browser, as sentences (tests/browser/overflow.js).
MEASURE = (Path(__file__).parent / "overflow.js").read_text()


def sideways(page) -> list[str]:
    """What scrolls sideways on the page, at each width (the page ends back at a phone's)."""
    problems = []
    for size in (*reversed(WIDTHS), WIDTHS[0]):
        page.set_viewport_size(size)
        problems += [
            f"{page.url} at {size['width']} px: {found}" for found in page.evaluate(MEASURE)
        ]
    return problems


def split_purchase(world):
    """Two orders to one vendor within 30 days, Rp11.000.000 together, each under a ceiling of
    Rp10.000.000 (as tests/integrity/conftest.py's `market`), and a scan that finds them."""
    Policy.objects.update_or_create(
        fiscal_year=world.line.fiscal_year,
        defaults={"direct_purchase_ceiling": 10_000_000, "approval_threshold": 0},
    )
    world.line.allocated = 500_000_000
    world.line.save()
    product = product_of(price=1_000_000)
    orders = [placed(world, product, 6, days_ago=20), placed(world, product, 5, days_ago=1)]
    scan = scan_request(by=None, fiscal_year=world.line.fiscal_year)
    scan_run(scan_id=scan.pk)
    flag = Flag.objects.get(indicator="split_purchase", rule="vendor_window")
    assert flag.order_ids == [order.pk for order in orders]
    return flag, orders


def test_an_inspector_follows_a_split_purchase_to_its_orders_and_refers_it_for_audit(
    new_page, live_server, world
):
    url = live_server.url
    flag, orders = split_purchase(world)
    inspector = OrganisationMembershipFactory(role=OrganisationRole.INSPECTOR).user
    problems = []

    # The console lists the flag; the inspector opens it.
    phone = new_page(**PHONE)
    sign_in(phone, url, inspector.username, PASSWORD)
    phone.goto(f"{url}/integrity/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Tanda bahaya integritas")
    row = phone.locator("table tbody tr").filter(has=phone.locator(f"a[href$='/{flag.pk}/']"))
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Rp11.000.000")
    expect(row.locator(".status-open")).to_have_text("Terbuka")
    expect(row).to_contain_text("2 pesanan ke ")
    problems += sideways(phone)
    row.locator(f"a[href$='/{flag.pk}/']").first.click()
    expect(phone).to_have_url(f"{url}/integrity/flags/{flag.pk}/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Pemecahan paket Terbuka")
    problems += sideways(phone)

    # Each order of the evidence opens, and the inspector comes back to the flag.
    evidence = phone.locator("section.card").filter(
        has=phone.locator(f"a[href='/orders/{orders[0].pk}/']")
    )
    for order in orders:
        evidence.get_by_role("link", name=order.number, exact=True).click()
        expect(phone).to_have_url(f"{url}/orders/{order.pk}/")
        expect(phone.locator("h1")).to_have_text(order.number)
        phone.go_back()
        expect(phone).to_have_url(f"{url}/integrity/flags/{flag.pk}/")

    # A review without a reason is refused, in Indonesian, and the flag stays open.
    review = phone.locator("form").filter(has=phone.locator("textarea[name=reason]"))
    review.get_by_label("Dirujuk ke audit").check()
    review.get_by_role("button", name="Tutup tanda bahaya").click()
    error = phone.locator(".field.has-error").filter(has=phone.get_by_label("Alasan"))
    expect(error.locator(".field-error")).to_have_text("Isian ini wajib diisi.")
    expect(phone.locator("h1 .status-open")).to_have_text("Terbuka")
    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN

    # With a reason, the flag is referred for audit and its history says so.
    reason = "Dua pesanan ke satu penyedia dalam tiga minggu, melewati batas bersama-sama."
    review = phone.locator("form").filter(has=phone.locator("textarea[name=reason]"))
    expect(review.locator("input[name=outcome][value=referred]")).to_be_checked()  # kept
    review.get_by_label("Alasan").fill(reason)
    review.get_by_role("button", name="Tutup tanda bahaya").click()
    expect(phone.get_by_role("status")).to_have_text("Tanda bahaya sudah ditinjau.")
    expect(phone.locator("h1 .status-referred")).to_have_text("Dirujuk ke audit")
    expect(phone.locator("textarea[name=reason]")).to_have_count(0)
    history = phone.locator("section.card").filter(has=phone.locator("li", has_text=reason))
    expect(history.locator("li")).to_have_count(2)  # raised, reviewed
    expect(history.locator("li").first).to_contain_text("Dimunculkan")
    expect(history.locator("li").last).to_contain_text(f"Ditinjau · {inspector.display_name}")
    flag.refresh_from_db()
    assert flag.status == FlagStatus.REFERRED
    assert flag.reviewed_by == inspector and flag.review_reason == reason
    assert list(flag.events.values_list("kind", flat=True)) == [FlagEvent.Kind.REVIEWED]
    problems += sideways(phone)

    # Back on the console, the flag is referred.
    phone.get_by_role("link", name="Semua tanda bahaya").click()
    expect(phone).to_have_url(f"{url}/integrity/")
    expect(row.locator(".status-referred")).to_have_text("Dirujuk ke audit")
    problems += sideways(phone)

    assert not problems, "\n".join(problems)
