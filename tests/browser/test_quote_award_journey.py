"""Journey: a requester runs a mini-competition to its award. It publishes the quote on
/quotes/new/, three caterers offer, the beat task closes it, the requester sees the offers
ranked and proposes the first, the PPK approves on the page, and the purchase order's page
shows the offered unit price; the winner sees the award on its phone (390 px). No quote page
scrolls sideways at 390 px or at 1280 px."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from quotes.models import Quote, QuoteStatus
from quotes.services import earliest_closing, quote_close
from tests.browser.test_integrity_journey import PHONE, sideways
from tests.browser.test_quote_journey import signed_in
from tests.markers import committing
from tests.quotes.conftest import quoting  # noqa: F401 (the fixture: the caterers' world)

pytestmark = [pytest.mark.browser, committing]

DESK = {"viewport": {"width": 1280, "height": 800}}


def test_a_requester_runs_a_mini_competition_to_its_purchase_order(
    new_page,
    live_server,
    quoting,  # noqa: F811 (the fixture imported above)
):
    url, problems, world = live_server.url, [], quoting.world
    closes_at = timezone.localtime(earliest_closing(world.line.fiscal_year)) + datetime.timedelta(
        hours=2
    )

    buyer = new_page(**DESK)
    signed_in(buyer, url, world.requester)
    buyer.goto(f"{url}/quotes/new/")
    problems += sideways(buyer)
    buyer.locator("#id_title").fill("Nasi kotak acara kecamatan")
    buyer.locator("#id_category").select_option(str(quoting.caterers[0].product.category_id))
    buyer.locator("#id_quantity").fill("1200")
    buyer.locator("#id_unit").select_option("box")
    buyer.locator("#id_delivery_village").select_option(str(world.rice.vendor.village_id))
    buyer.locator("#id_delivery_address").fill("Aula Kantor Camat Sungai Kakap")
    delivery = timezone.localdate() + datetime.timedelta(days=20)
    buyer.locator("#id_delivery_date").fill(delivery.isoformat())
    buyer.locator("#id_budget_line").select_option(str(world.line.pk))
    buyer.locator("#id_approver").select_option(str(world.approver.pk))
    buyer.locator("#id_estimated_unit_price").fill("25000")
    buyer.locator("#id_closes_at").fill(closes_at.strftime("%Y-%m-%dT%H:%M"))
    buyer.locator("form button.primary").click()
    expect(buyer.locator("[data-sealed='true']")).to_have_count(1)
    quote = Quote.objects.get()
    expect(buyer).to_have_url(f"{url}/quotes/{quote.pk}/")

    for caterer, price in zip(quoting.caterers, (24_000, 23_000, 25_000), strict=True):
        quoting.offer(caterer, quote, price)
    # the beat task's run after the closing
    assert quote_close(quote_id=quote.pk, now=quote.closes_at + datetime.timedelta(minutes=1))
    winner = quote.offers.get(rank=1)
    assert winner.vendor == quoting.caterers[1].vendor

    buyer.reload()
    rows = buyer.locator("table tbody tr[data-offer]")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("Rp23.000")
    expect(rows.nth(1)).to_contain_text("Rp24.000")
    expect(rows.nth(2)).to_contain_text("Rp25.000")
    problems += sideways(buyer)
    rows.nth(0).locator("form[action$='/propose/'] button").click()
    expect(buyer.locator("form[action$='/propose/']")).to_have_count(0)
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.PROPOSED and quote.proposed_offer == winner

    ppk = new_page(**DESK)
    signed_in(ppk, url, world.approver)
    ppk.goto(f"{url}/quotes/{quote.pk}/")
    problems += sideways(ppk)
    ppk.locator("form[action$='/approve/'] button").click()
    expect(ppk.locator("form[action$='/approve/']")).to_have_count(0)
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.AWARDED
    order = quote.order
    expect(ppk.locator(f"[data-order='{order.number}']")).to_have_count(1)
    problems += sideways(ppk)

    ppk.goto(f"{url}/orders/{order.pk}/")
    expect(ppk.locator("body")).to_contain_text(order.number)
    expect(ppk.locator("body")).to_contain_text("Rp23.000")
    assert order.lines.get().unit_price == 23_000

    phone = new_page(**PHONE)
    signed_in(phone, url, quoting.caterers[1].member)
    phone.goto(f"{url}/vendor/quotes/{quote.pk}/")
    expect(phone.locator("body")).to_contain_text("Rp23.000")
    problems += sideways(phone)
    assert problems == [], problems
