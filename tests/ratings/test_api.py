"""/api/v1/ratings/ and /api/v1/orders/{id}/rating/: who sees and does what, the one error
format, and lists in a bounded number of queries."""

import datetime

import pytest

from market.models import DepartmentRole
from ratings.models import Rating
from tests.factories import DepartmentFactory, finance_officer, member
from tests.ratings.conftest import delivered, rate

SCORES = {"timeliness": 5, "quality": 4, "fit": 4, "comment": "Rapi"}


def test_a_receiver_rates_an_order_through_the_api(world, received, api_as):
    answer = api_as(world.receiver).post(
        f"/api/v1/orders/{received.pk}/rating/", SCORES, format="json"
    )
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert (body["order_number"], body["department"], body["overall"]) == (
        received.number,
        "DISDIK",
        "4.3",
    )
    assert body["rated_by"] == world.receiver.display_name
    again = api_as(world.receiver).post(
        f"/api/v1/orders/{received.pk}/rating/", SCORES, format="json"
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "rated_already"


def test_rating_refusals_in_the_one_error_format(world, received, api_as):
    url = f"/api/v1/orders/{received.pk}/rating/"
    bad = api_as(world.receiver).post(
        url, {"timeliness": 0, "quality": 9, "comment": "x" * 1001}, format="json"
    )
    assert bad.status_code == 400
    assert set(bad.json()["error"]["fields"]) == {"timeliness", "quality", "fit", "comment"}
    # Another department's order is not theirs to see; the vendor and a requester see it.
    other = member(DepartmentRole.RECEIVER, DepartmentFactory(code="DINKES"))
    assert api_as(other).post(url, SCORES, format="json").status_code == 404
    assert api_as(world.rice_seller).post(url, SCORES, format="json").status_code == 403
    assert api_as(world.requester).post(url, SCORES, format="json").status_code == 403
    early = delivered(world, receive=False)
    too_soon = api_as(world.receiver).post(
        f"/api/v1/orders/{early.pk}/rating/", SCORES, format="json"
    )
    assert too_soon.status_code == 409 and too_soon.json()["error"]["code"] == "not_received"
    # A comment of 100,000 characters is refused by its field, not stored cut.
    huge = api_as(world.receiver).post(url, {**SCORES, "comment": "x" * 100_000}, format="json")
    assert huge.status_code == 400 and set(huge.json()["error"]["fields"]) == {"comment"}
    assert not Rating.objects.exists()


def test_its_author_patches_a_rating_within_its_days(world, received, api_as):
    rating = rate(world, received, (2, 2, 2))
    url = f"/api/v1/ratings/{rating.pk}/"
    changed = api_as(world.receiver).patch(url, {"quality": 5}, format="json")
    assert changed.status_code == 200, changed.json()
    assert (changed.json()["timeliness"], changed.json()["quality"]) == (2, 5)
    colleague = member(DepartmentRole.RECEIVER, world.department)
    assert api_as(colleague).patch(url, {"quality": 1}, format="json").status_code == 403
    assert api_as(world.rice_seller).patch(url, {"quality": 1}, format="json").status_code == 403
    Rating.objects.filter(pk=rating.pk).update(
        created_at=rating.created_at - datetime.timedelta(days=15)
    )
    late = api_as(world.receiver).patch(url, {"quality": 1}, format="json")
    assert late.status_code == 409 and late.json()["error"]["code"] == "too_late"


def test_the_vendor_answers_once_and_never_reads_who_rated(world, received, api_as):
    rating = rate(world, received)
    seller = api_as(world.rice_seller)
    seen = seller.get(f"/api/v1/ratings/{rating.pk}/").json()
    assert seen["rated_by"] is None and seen["department"] == "DISDIK"
    assert world.receiver.display_name not in str(seen)
    url = f"/api/v1/ratings/{rating.pk}/answer/"
    assert seller.post(url, {}, format="json").status_code == 400
    assert api_as(world.receiver).post(url, {"answer": "x"}, format="json").status_code == 403
    assert api_as(world.besek_seller).post(url, {"answer": "x"}, format="json").status_code == 404
    answered = seller.post(url, {"answer": "Terima kasih"}, format="json")
    assert answered.status_code == 200 and answered.json()["answer"] == "Terima kasih"
    second = seller.post(url, {"answer": "Lagi"}, format="json")
    assert second.status_code == 409 and second.json()["error"]["code"] == "answered_already"


def test_each_reads_the_ratings_that_are_theirs(world, api_as):
    rice_rating = rate(world, delivered(world))
    besek_rating = rate(world, delivered(world, world.besek, kilograms="100"))
    other = member(DepartmentRole.REQUESTER, DepartmentFactory(code="DINKES"))

    def ids(person, query=""):
        answer = api_as(person).get(f"/api/v1/ratings/{query}")
        return {row["id"] for row in answer.json()["results"]}

    both = {rice_rating.pk, besek_rating.pk}
    assert ids(finance_officer()) == both
    assert ids(world.requester) == both
    assert ids(world.rice_seller) == {rice_rating.pk}
    assert ids(other) == set()
    assert ids(world.requester, f"?vendor={world.besek.vendor_id}") == {besek_rating.pk}
    assert api_as(other).get("/api/v1/ratings/?department=DISDIK").status_code == 404
    assert api_as(other).get(f"/api/v1/ratings/{rice_rating.pk}/").status_code == 404


def test_vendor_and_product_outputs_carry_the_ratings(world, received, api_as, settings):
    settings.RATING_NEW_BELOW = 1
    rate(world, received, (5, 4, 3))
    product = api_as(world.requester).get(f"/api/v1/products/{world.rice.pk}/").json()
    assert product["vendor"]["rating"] == {
        "count": 1,
        "is_new": False,
        "timeliness": "5.0",
        "quality": "4.0",
        "fit": "3.0",
        "overall": "4.0",
    }
    vendor = api_as(world.requester).get(f"/api/v1/vendors/{world.rice.vendor_id}/").json()
    assert vendor["rating"]["count"] == 1
    besek = api_as(world.requester).get(f"/api/v1/vendors/{world.besek.vendor_id}/").json()
    assert besek["rating"] == {
        "count": 0,
        "is_new": True,
        "timeliness": None,
        "quality": None,
        "fit": None,
        "overall": None,
    }


@pytest.mark.parametrize("size", [2, 8])
def test_the_list_runs_a_bounded_number_of_queries(
    world, api_as, django_assert_max_num_queries, size
):
    for _ in range(size):
        rate(world, delivered(world))
    client = api_as(finance_officer())
    with django_assert_max_num_queries(8):
        answer = client.get("/api/v1/ratings/")
    assert answer.json()["count"] == size
