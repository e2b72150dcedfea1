"""Rating after delivery on phones: the receiver rates the vendor of a received order at 390 px,
the vendor reads the rating on its phone (the department, not the person), answers it once,
and finds it on its list of ratings; every page fits the screen."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from ratings.models import Rating
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD
from tests.markers import committing
from tests.ratings.conftest import delivered

pytestmark = [pytest.mark.browser, committing]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
MEASURE = (Path(__file__).parent / "overflow.js").read_text()


def fits(page) -> None:
    assert page.evaluate(MEASURE) == [], page.url


def test_a_receiver_rates_and_the_vendor_answers_on_phones(new_page, live_server, world):
    url = live_server.url
    order = delivered(world)

    receiver = new_page(**PHONE)
    sign_in(receiver, url, world.receiver.username, PASSWORD)
    receiver.goto(f"{url}/orders/{order.pk}/")
    panel = receiver.locator("#rating")
    expect(panel).to_be_visible()
    fits(receiver)
    for name, score in (("timeliness", "5"), ("quality", "4"), ("fit", "3")):
        panel.locator(f'input[name="rate-{name}"][value="{score}"]').check()
    panel.locator('textarea[name="rate-comment"]').fill("Tepat waktu, kemasan rapi.")
    panel.locator('button[type="submit"]').click()
    expect(receiver.locator('#rating dd.score[data-score="4"]')).to_be_visible()
    fits(receiver)
    rating = Rating.objects.get(order=order)

    vendor = new_page(**PHONE)
    sign_in(vendor, url, world.rice_seller.username, PASSWORD)
    vendor.goto(f"{url}/orders/{order.pk}/")
    panel = vendor.locator("#rating")
    expect(panel.get_by_text("Tepat waktu, kemasan rapi.")).to_be_visible()
    expect(panel.get_by_text(world.receiver.display_name)).to_have_count(0)
    fits(vendor)
    panel.locator('textarea[name="answer-answer"]').fill("Terima kasih, Bapak/Ibu.")
    panel.locator('button[type="submit"]').click()
    expect(vendor.locator("#rating dd.answer")).to_have_text("Terima kasih, Bapak/Ibu.")
    expect(vendor.locator('#rating textarea[name="answer-answer"]')).to_have_count(0)
    fits(vendor)

    vendor.goto(f"{url}/ratings/")
    expect(vendor.locator("table.ratings")).to_contain_text(order.number)
    fits(vendor)
    rating.refresh_from_db()
    assert rating.answer == "Terima kasih, Bapak/Ibu."

    receiver.reload()
    expect(receiver.locator("#rating dd.answer")).to_have_text("Terima kasih, Bapak/Ibu.")
