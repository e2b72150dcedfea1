"""Odd input never answers 500: it gets a clear 400 naming the field, in the API's one error
format under /api/ and as a page elsewhere."""

import pytest
from django.test import Client
from django.urls import path

from market.models import DepartmentRole
from orders.services import placing
from pasar import urls as root_urls
from tests.factories import finance_officer, member

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/vendors/?search=%00",
        "/api/v1/orders/?search=beras%00",
        "/api/v1/cart/?department=%00",
        "/api/v1/products/?search=%00",
        "/api/v1/budgets/?department=DIS%00DIK",
    ],
)
def test_a_nul_character_in_the_api_is_a_field_error(api_as, world, url):
    response = api_as(world.requester).get(url)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and list(error["fields"].values()) == [
        ["Karakter null tidak diperbolehkan."]
    ]


@pytest.mark.parametrize(
    "url", ["/orders/?search=%00", "/vendors/?page=%00", "/cart/?department=%00"]
)
def test_a_nul_character_on_a_page_is_a_clear_400(login, world, url):
    response = login(world.requester).get(url)
    assert response.status_code == 400
    assert "Karakter null tidak diperbolehkan." in response.content.decode()


def test_json_nested_too_deeply_is_a_400(api_as, world):
    body = "[" * 1500 + "]" * 1500
    response = api_as(world.requester).post(
        "/api/v1/cart/items/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "JSON bersarang terlalu dalam."


def test_json_deeper_than_ten_levels_is_a_400_and_ten_levels_reach_the_view(api_as, world):
    client = api_as(world.requester)

    def nested(levels: int) -> str:
        return '{"product": ' * (levels - 1) + "[1]" + "}" * (levels - 1)

    deep = client.post("/api/v1/cart/items/", nested(11), content_type="application/json")
    assert deep.status_code == 400
    assert deep.json()["error"]["message"] == "JSON bersarang terlalu dalam."
    allowed = client.post("/api/v1/cart/items/", nested(10), content_type="application/json")
    assert allowed.status_code == 400 and "product" in allowed.json()["error"]["fields"]


def test_a_json_body_over_a_megabyte_is_a_413_read_no_further(api_as, world, settings):
    body = '{"note": "' + "x" * (settings.JSON_MAX_BYTES) + '"}'
    response = api_as(world.requester).post(
        "/api/v1/cart/items/", body, content_type="application/json"
    )
    assert response.status_code == 413
    assert response.json()["error"] == {
        "code": "too_large",
        "message": "Permintaan lebih besar dari 1024 kB.",
    }


def test_an_unknown_api_address_answers_in_the_error_format(api_as, world):
    response = api_as(world.requester).get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "Tidak ditemukan."}}


def crash(request):
    raise RuntimeError("a bug")


urlpatterns = [path("api/v1/crash/", crash), path("crash/", crash), *root_urls.urlpatterns]
handler404, handler500 = root_urls.handler404, root_urls.handler500


def test_a_crash_in_the_api_answers_500_in_the_error_format(settings):
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    response = client.get("/api/v1/crash/")
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "server_error"
    page = client.get("/crash/")
    assert page.status_code == 500 and page["Content-Type"].startswith("text/html")


def test_a_fiscal_year_that_is_not_a_number_is_named_on_the_budget_page(login, world):
    response = login(world.requester).get("/budgets/", {"year": "abc"}, follow=True)
    assert response.status_code == 200
    assert "Tahun anggaran: Masukkan keseluruhan angka bilangan." in response.content.decode()


def test_the_people_of_a_department_are_listed_by_role(api_as, world):
    second_ppk = member(DepartmentRole.APPROVER, world.department, full_name="Yohanes")
    response = api_as(world.requester).get(
        f"/api/v1/departments/{world.department.code}/members/", {"role": "approver"}
    )
    assert response.status_code == 200
    assert {row["username"] for row in response.json()} == {
        world.approver.username,
        second_ppk.username,
    }
    assert all(row["role"] == "approver" for row in response.json())
    assert api_as(finance_officer()).get("/api/v1/departments/DISDIK/members/").status_code == 200
    outsider = member(DepartmentRole.REQUESTER)  # of another department
    assert api_as(outsider).get("/api/v1/departments/DISDIK/members/").status_code == 404
    bad = api_as(world.requester).get("/api/v1/departments/DISDIK/members/", {"role": "boss"})
    assert bad.status_code == 400 and "role" in bad.json()["error"]["fields"]


def test_digits_that_are_not_ascii_are_not_ids(api_client, api_as, login, world):
    """str.isdigit() accepts "²", which int() refuses: every id is parsed the same safe way."""
    registration = api_client.post(
        "/api/v1/vendors/register/", {"village": "²", "username": "x"}, format="json"
    )
    assert registration.status_code == 400 and "village" in registration.json()["error"]["fields"]
    placing.cart_add_item(
        user=world.requester, department=world.department, product_id=world.rice.pk, quantity=10
    )
    checkout = api_as(world.requester).post(
        "/api/v1/cart/checkout/", {"department": "DISDIK", "budget_lines": {"²": 1}}, format="json"
    )
    assert checkout.status_code == 400
    assert checkout.json()["error"]["fields"]["budget_lines"] == {"²": ["Sebutkan id penyedia."]}
    page = login(world.requester)
    assert page.post("/cart/", {"remove": "²"}).status_code == 302
    assert page.get("/standing-orders/", {"product": "²"}).status_code == 200


@pytest.mark.parametrize(
    "url", ["/api/v1/cart/items/", "/api/v1/cart/checkout/", "/api/v1/standing-orders/"]
)
def test_a_json_list_instead_of_an_object_is_a_400(api_as, world, url):
    response = api_as(world.requester).post(url, [1, 2], format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
