import pytest
from django.urls import reverse

from market.models import DepartmentRole
from tests.factories import PASSWORD, DepartmentFactory, UserFactory, member

pytestmark = pytest.mark.django_db


def test_token_login_then_token_authentication(api_client):
    requester = member(DepartmentRole.REQUESTER, DepartmentFactory(code="DISDIK"))

    response = api_client.post(
        "/api/v1/auth/token/",
        {"username": requester.username, "password": PASSWORD},
        format="json",
    )
    assert response.status_code == 200
    token = response.json()["token"]

    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api_client.get("/api/v1/me/").json()
    assert me["username"] == requester.username
    assert me["memberships"] == [
        {
            "department": "DISDIK",
            "department_name": requester.memberships.get().department.name,
            "role": "requester",
        }
    ]


def test_wrong_password_gets_the_one_error_format_in_indonesian(api_client):
    UserFactory(username="rina")
    response = api_client.post(
        "/api/v1/auth/token/", {"username": "rina", "password": "nope"}, format="json"
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_credentials"
    assert "salah" in error["message"]


def test_missing_fields_name_each_field_and_english_is_available(api_client):
    response = api_client.post("/api/v1/auth/token/", {}, format="json", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"username", "password"}
    assert error["fields"]["username"] == ["This field is required."]


def test_anonymous_requests_are_refused_in_the_same_format(api_client):
    response = api_client.get("/api/v1/me/")
    assert response.status_code in {401, 403}
    assert response.json()["error"]["code"] == "not_authenticated"


def test_unknown_token_is_refused(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    response = api_client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_districts_are_public_with_the_regencys_nine_districts(api_client):
    response = api_client.get("/api/v1/districts/", {"page_size": 50})
    body = response.json()

    assert response.status_code == 200
    assert set(body) == {"count", "next", "previous", "results"}
    names = {district["name"] for district in body["results"]}
    assert names == {
        "Batu Ampar",
        "Kuala Mandor B",
        "Kubu",
        "Rasau Jaya",
        "Sungai Ambawang",
        "Sungai Kakap",
        "Sungai Raya",
        "Teluk Pakedai",
        "Terentang",
    }
    assert all(district["village_count"] >= 5 for district in body["results"])
    assert sum(district["priority_village_count"] for district in body["results"]) > 0


def test_district_list_query_count_does_not_grow_with_page_size(
    api_client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):
        api_client.get("/api/v1/districts/", {"page_size": 2})
    with django_assert_max_num_queries(3):
        api_client.get("/api/v1/districts/", {"page_size": 100})


def test_openapi_schema_and_offline_docs(client):
    schema = client.get(reverse("schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/auth/token/" in paths and "/api/v1/budgets/" in paths

    docs = client.get(reverse("api-docs")).content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in docs
    assert "cdn" not in docs.lower() and "unpkg" not in docs.lower()
    sidecar = client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    assert sidecar.status_code == 200
