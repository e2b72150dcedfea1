"""Offers stay sealed until closing: every role asks every page and endpoint that shows a quote,
and none but the offering vendor (its own offer) learns an offer or how many there are."""

import datetime

import pytest

from market.models import DepartmentRole, OrganisationRole
from quotes.services import quote_close
from tests.factories import OrganisationMembershipFactory, UserFactory, finance_officer, member

pytestmark = pytest.mark.django_db

PRICES = (23_457, 24_689)  # nowhere else on the pages
SEALED_WORDS = [
    *(str(price) for price in PRICES),
    *(f"{price:,}".replace(",", ".") for price in PRICES),
]


@pytest.fixture
def sealed(quoting):
    quote = quoting.publish()
    first, second, third = quoting.caterers
    quoting.offer(first, quote, PRICES[0], note="catatan-rahasia-satu")
    quoting.offer(second, quote, PRICES[1], note="catatan-rahasia-dua")
    world = quoting.world
    people = {
        "requester": world.requester,
        "approver": world.approver,
        "receiver": world.receiver,
        "treasurer": world.treasurer,
        "other_requester": member(DepartmentRole.REQUESTER),
        "finance": finance_officer(),
        "inspector": OrganisationMembershipFactory(role=OrganisationRole.INSPECTOR).user,
        "admin": UserFactory(is_staff=True, is_superuser=True),
        "silent_vendor": third.member,
        "outsider_vendor": quoting.outsider.member,
    }
    return quote, people, (first, second)


def leaks(text: str) -> list[str]:
    return [word for word in [*SEALED_WORDS, "catatan-rahasia"] if word in text]


def pages_of(quote):
    return [
        "/quotes/",
        f"/quotes/{quote.pk}/",
        f"/vendor/quotes/{quote.pk}/",
        "/vendor/quotes/",
        "/transparency/",
        f"/admin/quotes/quote/{quote.pk}/change/",
        "/admin/quotes/quote/",
        "/audit/",
    ]


def endpoints_of(quote):
    return [
        "/api/v1/quotes/",
        f"/api/v1/quotes/{quote.pk}/",
        "/api/v1/vendor/quotes/",
        f"/api/v1/vendor/quotes/{quote.pk}/",
        "/api/v1/public/ocds/quotes/",
    ]


def test_nobody_but_the_offering_vendor_sees_an_offer_before_closing(
    sealed, client, api_as, api_client
):
    quote, people, _offering = sealed
    for role, person in [("anonymous", None), *people.items()]:
        if person is not None:
            client.force_login(person, backend="django.contrib.auth.backends.ModelBackend")
        for path in pages_of(quote):
            answer = client.get(path, follow=False)
            assert not leaks(answer.content.decode()), (role, path)
        api = api_as(person) if person else api_client
        for path in endpoints_of(quote):
            answer = api.get(path)
            assert not leaks(answer.content.decode()), (role, path)
            if path == f"/api/v1/quotes/{quote.pk}/" and answer.status_code == 200:
                assert answer.json()["offers"] is None, role
        client.logout()


def test_an_offering_vendor_sees_its_own_offer_and_no_other(sealed, api_as, client):
    quote, _people, (first, _second) = sealed
    mine = api_as(first.member).get(f"/api/v1/vendor/quotes/{quote.pk}/").json()
    assert mine["my_offer"]["unit_price"] == PRICES[0]
    assert "estimated_unit_price" not in mine  # the HPS is the buyer's alone
    client.force_login(first.member, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(f"/vendor/quotes/{quote.pk}/").content.decode()
    assert "23.457" in page and "catatan-rahasia-satu" in page
    assert "24.689" not in page and "catatan-rahasia-dua" not in page
    # The buyer's side of the quote is not the vendor's (it shows the HPS): 404.
    assert api_as(first.member).get(f"/api/v1/quotes/{quote.pk}/").status_code == 404


def test_after_opening_the_buyer_and_auditors_read_the_ranked_offers(sealed, api_as, client):
    quote, people, (_first, second) = sealed
    quote_close(quote_id=quote.pk, now=quote.closes_at + datetime.timedelta(minutes=1))
    for role in ("requester", "approver", "finance", "inspector", "admin"):
        offers = api_as(people[role]).get(f"/api/v1/quotes/{quote.pk}/").json()["offers"]
        assert [offer["unit_price"] for offer in offers] == list(PRICES), role
    # A vendor still reads only its own.
    own = api_as(second.member).get(f"/api/v1/vendor/quotes/{quote.pk}/").json()
    assert own["my_offer"]["rank"] == 2
    assert "23457" not in str(own) and "23.457" not in str(own)
    client.force_login(people["requester"], backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(f"/quotes/{quote.pk}/").content.decode()
    assert "23.457" in page and "24.689" in page
