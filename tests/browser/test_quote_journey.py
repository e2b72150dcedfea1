"""Journey: a caterer, on a phone (390 px), opens a mini-competition from its invitations,
sends a sealed offer with one of its products, revises it, and sees it saved; the requester's
page of the quote shows the offers sealed. Neither the inbox, the offer page nor the
requester's page scrolls sideways at 390 px or at 1280 px."""

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from quotes.models import Offer
from tests.browser.test_integrity_journey import PHONE, sideways
from tests.markers import committing
from tests.quotes.conftest import quoting  # noqa: F401 (the fixture: the caterers' world)

pytestmark = [pytest.mark.browser, committing]


def signed_in(page, url: str, person) -> None:
    """The person's session in the browser (the sign-in page's own journey is tested
    elsewhere; its words here would wait for the translations)."""
    client = Client()
    client.force_login(person, backend="django.contrib.auth.backends.ModelBackend")
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": url,
            }
        ]
    )


def test_a_caterer_offers_on_its_phone_and_the_offer_stays_sealed(
    new_page,
    live_server,
    quoting,  # noqa: F811 (the fixture imported above)
):
    url, problems = live_server.url, []
    quote = quoting.publish()
    caterer = quoting.caterers[0]

    phone = new_page(**PHONE)
    signed_in(phone, url, caterer.member)
    phone.goto(f"{url}/vendor/quotes/")
    phone.locator(f"a[href='/vendor/quotes/{quote.pk}/']").click()
    expect(phone).to_have_url(f"{url}/vendor/quotes/{quote.pk}/")
    problems += sideways(phone)

    delivery = (timezone.localdate() + datetime.timedelta(days=19)).isoformat()
    phone.locator("#id_product").select_option(str(caterer.product.pk))
    phone.locator("#id_unit_price").fill("24000")
    phone.locator("#id_delivery_date").fill(delivery)
    phone.locator("#id_note").fill("Menu ayam bakar")
    phone.locator("#my-offer button.primary").click()
    expect(phone.locator("[data-offer-status='submitted']")).to_contain_text("Rp24.000")

    phone.locator("#id_unit_price").fill("23500")
    phone.locator("#my-offer button.primary").click()
    expect(phone.locator("[data-offer-status='submitted']")).to_contain_text("Rp23.500")
    problems += sideways(phone)
    offer = Offer.objects.get(quote=quote)
    assert offer.unit_price == 23_500 and offer.revisions == 1

    buyer = new_page(**PHONE)
    signed_in(buyer, url, quoting.world.requester)
    buyer.goto(f"{url}/quotes/{quote.pk}/")
    expect(buyer.locator("[data-sealed='true']")).to_have_count(1)
    expect(buyer.locator("body")).not_to_contain_text("23.500")
    problems += sideways(buyer)
    assert problems == [], problems
