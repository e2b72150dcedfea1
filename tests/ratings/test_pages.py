"""The order page's rating (rate, change, answer) and the list of ratings: who sees which form,
what the vendor reads, refusals next to their fields, bounded queries."""

import pytest
from django.urls import reverse

from market.models import DepartmentRole
from ratings.models import Rating
from ratings.services import rating_answer, rating_change
from tests.factories import DepartmentFactory, finance_officer, member
from tests.ratings.conftest import delivered, rate


def page_of(client, order) -> str:
    answer = client.get(reverse("order-detail", args=[order.pk]))
    assert answer.status_code == 200
    return answer.content.decode()


def test_a_receiver_rates_from_the_order_page(world, received, login):
    client = login(world.receiver)
    action = reverse("rating-give", args=[received.pk])
    assert action in page_of(client, received)
    posted = client.post(
        action,
        {"rate-timeliness": "5", "rate-quality": "4", "rate-fit": "5", "rate-comment": "Bagus"},
    )
    assert posted.status_code == 302
    rating = Rating.objects.get(order=received)
    assert (rating.timeliness, rating.quality, rating.fit) == (5, 4, 5)
    page = page_of(client, received)
    assert action not in page  # rated once
    assert reverse("rating-change", args=[rating.pk]) in page
    assert 'data-score="4"' in page


def test_a_refused_rating_comes_back_with_its_fields(world, received, login):
    client = login(world.receiver)
    client.post(
        reverse("rating-give", args=[received.pk]),
        {"rate-timeliness": "9", "rate-comment": "x" * 1001},
    )
    page = page_of(client, received)
    assert page.count('class="field has-error') == 4
    assert not Rating.objects.exists()


def test_no_form_before_the_final_bast_nor_for_others(world, login):
    early = delivered(world, receive=False)
    action = reverse("rating-give", args=[early.pk])
    assert action not in page_of(login(world.receiver), early)
    order = delivered(world)
    for person in (world.requester, world.rice_seller, finance_officer()):
        assert reverse("rating-give", args=[order.pk]) not in page_of(login(person), order)
        answer = login(person).post(reverse("rating-give", args=[order.pk]), {})
        assert answer.status_code == 403
    stranger = member(DepartmentRole.RECEIVER, DepartmentFactory(code="DINKES"))
    assert login(stranger).post(reverse("rating-give", args=[order.pk]), {}).status_code == 404


def test_the_vendor_reads_the_department_not_the_person_and_answers_once(world, received, login):
    # Another receiver than the one who signed the BAST (whose name the order's timeline shows
    # the vendor): the rating does not tell the vendor who gave it.
    author = member(DepartmentRole.RECEIVER, world.department, full_name="Siti Rahayu")
    rating = rate(world, received, comment="Tepat waktu", by=author)
    client = login(world.rice_seller)
    page = page_of(client, received)
    assert "Siti Rahayu" not in page and "DISDIK" in page
    answer_url = reverse("rating-answer", args=[rating.pk])
    assert answer_url in page
    assert reverse("rating-change", args=[rating.pk]) not in page
    client.post(answer_url, {"answer-answer": "Terima kasih"})
    rating.refresh_from_db()
    assert rating.answer == "Terima kasih"
    page = page_of(client, received)
    assert answer_url not in page and "Terima kasih" in page
    # The department's people read who rated.
    assert "Siti Rahayu" in page_of(login(world.requester), received)


@pytest.mark.parametrize("size", [2, 9])
def test_the_list_by_department_and_vendor(world, login, django_assert_max_num_queries, size):
    for _ in range(size):
        rate(world, delivered(world))
    rate(world, delivered(world, world.besek, kilograms="100"))
    client = login(finance_officer())
    with django_assert_max_num_queries(14):
        page = client.get(reverse("rating-list"), {"vendor": world.besek.vendor_id})
    assert page.status_code == 200
    assert len(page.context["page"].object_list) == 1
    assert page.context["averages"]["count"] == 1
    everything = client.get(reverse("rating-list"))
    assert everything.context["averages"]["count"] == size + 1
    assert world.receiver.display_name in everything.content.decode()
    seller_page = login(world.besek_seller).get(reverse("rating-list"))
    assert seller_page.context["averages"]["count"] == 1
    assert world.receiver.display_name not in seller_page.content.decode()


def test_the_audit_trail_reads_every_step(world, received, login):
    rating = rate(world, received, (2, 3, 4))
    rating_change(rating=rating, by=world.receiver, timeliness=5, quality=3, fit=4)
    rating_answer(rating=rating, by=world.rice_seller, answer="Terima kasih")
    client = login(finance_officer())
    client.cookies["django_language"] = "en"
    page = client.get(reverse("audit-trail"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for words in (
        "Vendor rated after delivery",
        "Rating changed by its author",
        "Rating answered by the vendor",
    ):
        assert words in page


def test_the_home_page_asks_the_receiver_to_rate_and_shows_the_vendor_its_ratings(
    world, received, login
):
    home = login(world.receiver).get(reverse("home")).content.decode()
    assert f"{reverse('order-detail', args=[received.pk])}#rating" in home
    rate(world, received)
    home = login(world.receiver).get(reverse("home")).content.decode()
    assert f"{reverse('order-detail', args=[received.pk])}#rating" not in home
    vendor_home = login(world.rice_seller).get(reverse("home")).content.decode()
    assert 'class="vendor-rating" data-count="1"' in vendor_home
    assert reverse("rating-list") in vendor_home


def test_a_departments_report_shows_its_ratings_to_finance(world, login):
    rate(world, delivered(world), (4, 4, 4))
    rate(world, delivered(world), (2, 4, 3))
    answer = login(finance_officer()).get(reverse("report-department", args=["DISDIK"]))
    panel = next(
        panel for panel in answer.context["panels"] if panel.template.startswith("ratings/")
    )
    averages = panel.context["averages"]
    assert averages["count"] == 2 and averages["timeliness"] == 3
    assert f"{reverse('rating-list')}?department=DISDIK" in answer.content.decode()
