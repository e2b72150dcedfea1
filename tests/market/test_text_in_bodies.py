"""Text no database, page or log can keep — a NUL, a lone UTF-16 surrogate (JSON's "\\ud800")
— in any request body is a 400 naming where it is, checked once where bodies are parsed
(market.parsers), never a 500 from the database or from an error message echoing it."""

import io

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from catalog.models import Product
from market import parsers
from tests.factories import finance_officer
from tests.images import image_file

pytestmark = pytest.mark.django_db

SURROGATE_ID = "Teks tidak boleh memuat karakter surrogate UTF-16 yang tidak berpasangan."
SURROGATE_EN = "Text may not hold a lone UTF-16 surrogate character."
NUL_ID = "Karakter null tidak diperbolehkan."
JSON = "application/json"


def json_with(field: str, raw_value: str = '"\\ud800"') -> str:
    """A JSON object whose `field` is `raw_value` as written (escapes and all)."""
    return '{"' + field + '": ' + raw_value + "}"


def refused(response, fields):
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["fields"] == fields
    return error


@pytest.mark.parametrize(
    "url", ["/api/v1/cart/items/", "/api/v1/cart/preview/", "/api/v1/cart/checkout/"]
)
def test_a_lone_surrogate_in_the_department_of_a_cart_is_a_field_error(api_as, world, url):
    response = api_as(world.requester).post(url, json_with("department"), content_type=JSON)
    refused(response, {"department": [SURROGATE_ID]})


def test_a_lone_surrogate_in_a_standing_orders_department_is_a_field_error(api_as, world):
    response = api_as(world.requester).post(
        "/api/v1/standing-orders/", json_with("department"), content_type=JSON
    )
    refused(response, {"department": [SURROGATE_ID]})


@pytest.mark.parametrize("field", ["kind", "format", "group_by"])
def test_a_lone_surrogate_in_an_export_request_is_a_field_error_in_english_too(api_as, field):
    client = api_as(finance_officer())
    response = client.post("/api/v1/exports/", json_with(field), content_type=JSON)
    refused(response, {field: [SURROGATE_ID]})
    english = client.post(
        "/api/v1/exports/", json_with(field), content_type=JSON, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert refused(english, {field: [SURROGATE_EN]})["message"] == "Some fields are not valid."


def test_a_vendors_product_with_a_surrogate_unit_or_a_nul_category_is_refused_unwritten(
    api_as, world
):
    client = api_as(world.rice_seller)
    before = Product.objects.count()
    unit = client.post("/api/v1/vendor/products/", json_with("unit"), content_type=JSON)
    refused(unit, {"unit": [SURROGATE_ID]})
    body = '{"category": "be\\u0000ras", "unit": "k\\udc00g", "name": "Beras", "unit_price": 1}'
    both = client.post("/api/v1/vendor/products/", body, content_type=JSON)
    refused(both, {"category": [NUL_ID], "unit": [SURROGATE_ID]})
    assert Product.objects.count() == before


def test_a_bad_key_or_a_bad_value_deep_in_the_body_is_named_where_it_is(api_as, world):
    body = (
        '{"department": "DISDIK", "budget_lines": {"\\ud800": 1, "7": "x\\u0000"},'
        ' "items": [{"note": "ok"}, {"note": "\\udfff"}]}'
    )
    response = api_as(world.requester).post("/api/v1/cart/checkout/", body, content_type=JSON)
    refused(
        response,
        {
            "budget_lines": {"\ufffd": [SURROGATE_ID], "7": [NUL_ID]},
            "items": {"1": {"note": [SURROGATE_ID]}},
        },
    )


def test_a_nul_in_a_form_or_multipart_body_is_a_field_error(api_as, world):
    client = api_as(world.rice_seller)
    form = client.post(
        "/api/v1/vendor/products/",
        "category=be%00ras&unit=kg",
        content_type="application/x-www-form-urlencoded",
    )
    refused(form, {"category": [NUL_ID]})
    multipart = client.post(
        "/api/v1/vendor/products/", {"category": "be\x00ras", "unit": "kg"}, format="multipart"
    )
    refused(multipart, {"category": [NUL_ID]})
    photo = client.post(
        f"/api/v1/vendor/products/{world.rice.pk}/images/",
        {"image": image_file(), "caption\x00": "x"},
        format="multipart",
    )
    refused(photo, {"caption": [NUL_ID]})


def test_characters_outside_the_basic_plane_are_text_like_any_other():
    """A surrogate pair escaped in JSON is one character (here 🌾), kept as it is."""
    parsed = parsers.JSONParser().parse(io.BytesIO(b'{"name": "Beras \\ud83c\\udf3e"}'))
    assert parsed == {"name": "Beras \U0001f33e"}


def api_views():
    def walk(patterns):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns)
            elif isinstance(entry, URLPattern) and hasattr(entry.callback, "cls"):
                yield entry.callback.cls

    return list(walk(get_resolver().url_patterns))


def test_every_api_view_parses_its_bodies_with_the_checking_parsers():
    ours = {parsers.JSONParser, parsers.FormParser, parsers.MultiPartParser}
    views = api_views()
    assert len(views) > 40
    for view in views:
        assert set(view.parser_classes) <= ours, view
