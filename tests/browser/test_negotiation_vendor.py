"""Journey: the requester proposes a lower rice price on a submitted order; the vendor, on a
390 px phone, reads the proposal, sends a counter above its listed price and is told next to the
field, counters within it, and the requester accepts: the order's total is the agreed one.
The pages are judged by their markup and figures (their words are translated separately)."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from orders.models import Negotiation, NegotiationStatus
from tests.factories import PASSWORD
from tests.markers import committing

pytestmark = [pytest.mark.browser, committing]
MEASURE = (Path(__file__).parent / "overflow.js").read_text()
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True}


def sign_in(page, url: str, username: str) -> None:
    """By the form's fields, whatever the language the page speaks."""
    page.goto(f"{url}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button.primary").click()
    expect(page.locator("#id_password")).to_have_count(0)


def test_the_vendor_counters_on_a_phone_and_the_requester_accepts(new_page, live_server, world):
    url = live_server.url
    (order,) = world.order((world.rice, "100"))
    line = order.lines.get()
    order_page = f"{url}/orders/{order.pk}/"

    requester = new_page()
    sign_in(requester, url, world.requester.username)
    requester.goto(order_page)
    requester.locator("#negotiation details summary").first.click()
    requester.locator(f"[name='negotiation_propose-prices-{line.pk}']").fill("12000")
    requester.locator("form[action$='/negotiation/propose/'] button[type=submit]").click()
    expect(requester.locator("#negotiation .round")).to_have_count(1)
    expect(requester.locator("#negotiation .proposed-total")).to_have_text("Rp1.200.000")

    vendor = new_page(**PHONE)
    sign_in(vendor, url, world.rice_seller.username)
    vendor.goto(order_page)
    expect(vendor.locator("#negotiation .round")).to_have_count(1)
    expect(vendor.locator("form[action$='/negotiation/accept/'] button")).to_be_visible()
    assert vendor.evaluate(MEASURE) == []
    counter = vendor.locator(f"[name='negotiation_counter-prices-{line.pk}']")
    vendor.locator("details", has=counter).locator("summary").click()
    expect(counter).to_have_value("12000")  # the proposal, to change
    expect(counter).to_have_attribute("inputmode", "numeric")
    counter.fill("15000")  # above its own listed price, Rp14.500
    vendor.locator("form[action$='/negotiation/counter/'] button[type=submit]").click()
    error = vendor.locator(".field-error")
    expect(error).to_have_count(1)
    expect(error).to_contain_text("Rp14.500")
    assert vendor.evaluate(MEASURE) == []  # the form, open with its problem, fits too
    vendor.locator(f"[name='negotiation_counter-prices-{line.pk}']").fill("13500")
    vendor.locator("form[action$='/negotiation/counter/'] button[type=submit]").click()
    expect(vendor.locator("#negotiation .negotiation-turn")).to_have_attribute(
        "data-turn", "requester"
    )
    assert vendor.evaluate(MEASURE) == []

    requester.goto(order_page)
    accept = requester.locator("form[action$='/negotiation/accept/'] button")
    expect(accept).to_contain_text("Rp1.350.000")
    accept.click()
    expect(requester.locator("#negotiation .negotiation-status.status-agreed")).to_contain_text(
        "Rp1.350.000"
    )
    assert Negotiation.objects.get().status == NegotiationStatus.AGREED
    order.refresh_from_db()
    assert order.total == 1_350_000

    # On a laptop too, every round fits.
    requester.set_viewport_size({"width": 1280, "height": 900})
    assert requester.evaluate(MEASURE) == []
