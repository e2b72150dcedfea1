"""Vendors' ratings where buyers choose: the "best rated" sort (rated vendors first, "new" ones
after), and the averages or "new" on the catalogue, product and vendor pages."""

import pytest
from django.urls import reverse

from market.models import DepartmentRole
from tests.factories import ProductFactory, VendorFactory, member
from vendors.models import Vendor


def rated(count, timeliness, quality, fit, **fields) -> Vendor:
    """A vendor whose rollup says `count` ratings of these scores each (the rollup is what
    buyers' pages and the sort read; ratings.services keeps it, tests/ratings/test_services
    holds it equal to the ratings)."""
    return VendorFactory(
        rating_count=count,
        rating_timeliness_total=timeliness * count,
        rating_quality_total=quality * count,
        rating_fit_total=fit * count,
        **fields,
    )


@pytest.fixture
def shelf(db, settings):
    settings.RATING_NEW_BELOW = 3
    vendors = {
        "good": rated(3, 4, 4, 4),
        "best": rated(5, 5, 5, 4),
        "best_fewer": rated(3, 5, 5, 4),
        "new_perfect": rated(2, 5, 5, 5),  # too few ratings: "new", after every rated vendor
        "unrated": VendorFactory(),
    }
    return {
        name: ProductFactory(vendor=vendor, name=f"Beras {name}")
        for name, vendor in vendors.items()
    }


@pytest.fixture
def buyer(db, api_as):
    return api_as(member(DepartmentRole.REQUESTER))


def test_best_rated_puts_rated_vendors_first_and_new_ones_after(shelf, buyer):
    answer = buyer.get("/api/v1/products/", {"ordering": "best_rated", "page_size": 100})
    names = [row["name"] for row in answer.json()["results"]]
    assert names[:3] == ["Beras best", "Beras best_fewer", "Beras good"]
    assert set(names[3:]) == {"Beras new_perfect", "Beras unrated"}
    new = next(row for row in answer.json()["results"] if row["name"] == "Beras new_perfect")
    assert new["vendor"]["rating"]["is_new"] and new["vendor"]["rating"]["overall"] is None


def test_best_rated_sorts_found_products_too(shelf, buyer):
    answer = buyer.get(
        "/api/v1/products/", {"ordering": "best_rated", "search": "beras", "page_size": 100}
    )
    assert [row["name"] for row in answer.json()["results"]][:3] == [
        "Beras best",
        "Beras best_fewer",
        "Beras good",
    ]


@pytest.mark.parametrize("count", [5, 30])
def test_the_best_rated_catalogue_runs_a_bounded_number_of_queries(
    db, login, django_assert_max_num_queries, count, buyer
):
    vendors = [rated(n, 5, n % 5 + 1, 3) for n in range(4)]
    for n in range(count):
        ProductFactory(vendor=vendors[n % 4])
    client = login(member(DepartmentRole.REQUESTER))
    with django_assert_max_num_queries(14):
        page = client.get(reverse("catalogue"), {"ordering": "best_rated"})
    assert page.status_code == 200
    with django_assert_max_num_queries(6):
        buyer.get("/api/v1/products/", {"ordering": "best_rated", "page_size": 100})


def test_pages_show_the_averages_or_new(shelf, login):
    client = login(member(DepartmentRole.REQUESTER))
    best = shelf["best"]
    vendor_page = client.get(reverse("vendor-detail", args=[best.vendor_id])).content.decode()
    assert 'data-count="5"' in vendor_page and 'data-overall="4.7"' in vendor_page
    product_page = client.get(reverse("product-detail", args=[best.pk])).content.decode()
    assert 'data-overall="4.7"' in product_page
    new_page = client.get(
        reverse("product-detail", args=[shelf["new_perfect"].pk])
    ).content.decode()
    assert 'data-count="2"' in new_page and "data-overall" not in new_page
    assert "badge new" in new_page
    catalogue = client.get(reverse("catalogue"), {"ordering": "best_rated"}).content.decode()
    assert catalogue.index("Beras best") < catalogue.index("Beras good")
    assert catalogue.count("badge new") == 2
