"""The mini-competition's pages: the requester publishes, the vendor offers on its phone page,
the requester proposes after opening, the PPK approves with the quota preview; the public sees
the opened quote on /transparency/."""

import datetime

import pytest
from django.utils import timezone

from quotes.models import Quote, QuoteStatus
from quotes.services import earliest_closing, quote_close

pytestmark = pytest.mark.django_db


def form_of(quoting) -> dict:
    world = quoting.world
    closes_at = timezone.localtime(earliest_closing(world.line.fiscal_year)) + datetime.timedelta(
        hours=2
    )
    return {
        "title": "Nasi kotak acara kecamatan",
        "category": quoting.caterers[0].product.category_id,
        "description": "",
        "quantity": "1200",
        "unit": "box",
        "delivery_village": world.rice.vendor.village_id,
        "delivery_address": "Aula Kantor Camat Sungai Kakap",
        "delivery_date": (timezone.localdate() + datetime.timedelta(days=20)).isoformat(),
        "budget_line": world.line.pk,
        "approver": world.approver.pk,
        "estimated_unit_price": "25000",
        "closes_at": closes_at.strftime("%Y-%m-%dT%H:%M"),
    }


def test_from_the_requesters_form_to_the_ppks_approval_on_pages(quoting, login, client):
    world, (first, second, _third) = quoting.world, quoting.caterers
    login(world.requester)
    assert client.get("/quotes/new/").status_code == 200
    refused = client.post("/quotes/new/", {**form_of(quoting), "estimated_unit_price": "0"})
    assert refused.status_code == 200 and not Quote.objects.exists()
    answer = client.post("/quotes/new/", form_of(quoting))
    quote = Quote.objects.get()
    assert answer.status_code == 302 and answer.url == f"/quotes/{quote.pk}/"
    page = client.get(answer.url).content.decode()
    assert 'data-sealed="true"' in page

    delivery = (timezone.localdate() + datetime.timedelta(days=19)).isoformat()
    for caterer, price in ((first, "24000"), (second, "23000")):
        login(caterer.member)
        assert client.get("/vendor/quotes/").status_code == 200
        posted = client.post(
            f"/vendor/quotes/{quote.pk}/",
            {"product": caterer.product.pk, "unit_price": price, "delivery_date": delivery},
        )
        assert posted.status_code == 302
        mine = client.get(f"/vendor/quotes/{quote.pk}/").content.decode()
        assert 'data-offer-status="submitted"' in mine

    quote_close(quote_id=quote.pk, now=quote.closes_at + datetime.timedelta(minutes=1))
    login(world.requester)
    page = client.get(f"/quotes/{quote.pk}/").content.decode()
    assert "23.000" in page and "24.000" in page
    winner = quote.offers.get(rank=1)
    client.post(f"/quotes/{quote.pk}/propose/", {"offer": winner.pk})
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.PROPOSED

    login(world.approver)
    page = client.get(f"/quotes/{quote.pk}/").content.decode()
    assert "data-quota-after=" in page  # the quota preview
    assert client.post(f"/quotes/{quote.pk}/approve/").status_code == 302
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.AWARDED and quote.order.total == 23_000 * 1200
    assert (
        f'data-order="{quote.order.number}"' in client.get(f"/quotes/{quote.pk}/").content.decode()
    )

    client.logout()
    public = client.get("/transparency/").content.decode()
    assert quote.number in public and quote.order.number not in public  # the award's vendor, total
    assert second.vendor.display_name in public


def test_a_page_never_shows_a_button_the_person_cannot_use(quoting, login, client):
    quote = quoting.publish()
    login(quoting.world.receiver)
    page = client.get(f"/quotes/{quote.pk}/").content.decode()
    assert f"/quotes/{quote.pk}/cancel/" not in page and "/approve/" not in page
    login(quoting.world.requester)
    page = client.get(f"/quotes/{quote.pk}/").content.decode()
    assert f"/quotes/{quote.pk}/cancel/" in page and "/approve/" not in page


def test_the_list_pages_run_a_bounded_number_of_queries(
    quoting, login, client, django_assert_max_num_queries
):
    for _ in range(8):
        quoting.publish()
    login(quoting.world.requester)
    with django_assert_max_num_queries(25):
        assert client.get("/quotes/").status_code == 200
    login(quoting.caterers[0].member)
    with django_assert_max_num_queries(25):
        assert client.get("/vendor/quotes/").status_code == 200
