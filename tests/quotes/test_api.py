"""The mini-competition through the API: publish, offer, close, propose, approve (idempotent),
the lists' bounded queries, and the open data validated against the OCDS schema."""

import datetime

import pytest
from django.utils import timezone

from quotes.models import Quote, QuoteStatus
from quotes.services import earliest_closing, quote_close
from tests.orders.test_ocds import validator

pytestmark = pytest.mark.django_db


def publish_body(quoting, **overrides) -> dict:
    world = quoting.world
    closes_at = earliest_closing(world.line.fiscal_year) + datetime.timedelta(hours=2)
    return {
        "department": world.department.code,
        "budget_line": world.line.pk,
        "approver": world.approver.username,
        "category": "nasi-kotak",
        "title": "Nasi kotak acara kecamatan",
        "quantity": "1200",
        "unit": "box",
        "delivery_village": world.rice.vendor.village.code,
        "delivery_address": "Aula Kantor Camat Sungai Kakap",
        "delivery_date": (timezone.localdate() + datetime.timedelta(days=20)).isoformat(),
        "estimated_unit_price": 25_000,
        "closes_at": closes_at.isoformat(),
        **overrides,
    }


def test_the_api_carries_a_quote_from_publishing_to_the_order(quoting, api_as, api_client):
    world, (first, second, _third) = quoting.world, quoting.caterers
    requester = api_as(world.requester)
    created = requester.post("/api/v1/quotes/", publish_body(quoting), format="json")
    assert created.status_code == 201, created.json()
    quote_id = created.json()["id"]
    assert created.json()["offers"] is None and len(created.json()["invited"]) == 3

    delivery = (timezone.localdate() + datetime.timedelta(days=19)).isoformat()
    for caterer, price in ((first, 24_000), (second, 23_000)):
        answer = api_as(caterer.member).post(
            f"/api/v1/vendor/quotes/{quote_id}/offer/",
            {"product": caterer.product.pk, "unit_price": price, "delivery_date": delivery},
            format="json",
        )
        assert answer.status_code == 200, answer.json()
        assert answer.json()["my_offer"]["unit_price"] == price
    refused = api_as(first.member).post(
        f"/api/v1/vendor/quotes/{quote_id}/offer/",
        {"product": world.rice.pk, "unit_price": 0, "delivery_date": "2000-01-01"},
        format="json",
    )
    assert refused.status_code == 400
    assert set(refused.json()["error"]["fields"]) == {"product", "unit_price", "delivery_date"}

    quote = Quote.objects.get(pk=quote_id)
    quote_close(quote_id=quote_id, now=quote.closes_at + datetime.timedelta(minutes=1))
    offers = requester.get(f"/api/v1/quotes/{quote_id}/").json()["offers"]
    assert [offer["rank"] for offer in offers] == [1, 2]
    winner = offers[0]
    assert winner["vendor"]["id"] == second.vendor.pk

    # Only the named PPK approves, and only after a proposal.
    assert requester.post(f"/api/v1/quotes/{quote_id}/approve/").status_code == 403
    assert api_as(world.approver).post(f"/api/v1/quotes/{quote_id}/approve/").status_code == 409
    proposed = requester.post(
        f"/api/v1/quotes/{quote_id}/propose/", {"offer": winner["id"]}, format="json"
    )
    assert proposed.status_code == 200 and proposed.json()["status"] == QuoteStatus.PROPOSED
    ppk = api_as(world.approver)
    first_answer = ppk.post(f"/api/v1/quotes/{quote_id}/approve/", HTTP_IDEMPOTENCY_KEY="award-1")
    replay = ppk.post(f"/api/v1/quotes/{quote_id}/approve/", HTTP_IDEMPOTENCY_KEY="award-1")
    assert first_answer.status_code == replay.status_code == 200
    assert first_answer.json()["order"] == replay.json()["order"]
    assert replay.headers["Idempotent-Replayed"] == "true"
    order_number = first_answer.json()["order"]
    assert order_number.startswith("SP/DISDIK/")

    # The open data: a valid OCDS package, a selective tender with its bids and award.
    package = api_client.get(
        "/api/v1/public/ocds/quotes/", {"fiscal_year": world.line.fiscal_year.year}
    ).json()
    errors = sorted(validator().iter_errors(package), key=lambda error: error.path)
    assert errors == [], [f"{list(error.path)}: {error.message}" for error in errors]
    (release,) = package["releases"]
    assert release["tender"]["procurementMethod"] == "selective"
    assert release["tender"]["numberOfTenderers"] == 2
    assert len([p for p in release["parties"] if "interestedParty" in p["roles"]]) == 3
    assert release["awards"][0]["title"] == order_number
    assert release["awards"][0]["value"]["amount"] == 23_000 * 1200
    assert "tender" in release["tag"] and "award" in release["tag"]


def test_a_requester_names_every_problem_of_a_quote_at_once(quoting, api_as):
    body = publish_body(
        quoting,
        closes_at=timezone.now().isoformat(),
        estimated_unit_price=0,
        approver=quoting.world.requester.username,
        title="",
    )
    answer = api_as(quoting.world.requester).post("/api/v1/quotes/", body, format="json")
    assert answer.status_code == 400
    assert {"closes_at", "estimated_unit_price", "approver", "title"} <= set(
        answer.json()["error"]["fields"]
    )


def test_the_lists_run_a_bounded_number_of_queries(quoting, api_as, django_assert_max_num_queries):
    first = quoting.caterers[0]
    for _ in range(6):
        quoting.offer(first, quoting.publish(), 24_000)
    with django_assert_max_num_queries(8):
        listed = api_as(quoting.world.requester).get("/api/v1/quotes/")
    assert listed.json()["count"] == 6
    with django_assert_max_num_queries(8):
        inbox = api_as(first.member).get("/api/v1/vendor/quotes/")
    assert [quote["my_offer"]["unit_price"] for quote in inbox.json()["results"]] == [24_000] * 6
