"""API tokens: one per named device, kept only as a digest, expiring when unused and at most
after their maximum life, signed out one by one or all at once, and gone with the password."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from rest_framework.test import APIClient

from market.models import ApiToken, AuditEvent, DepartmentRole
from market.services.api_tokens import api_token_create
from tests.factories import PASSWORD, member
from tests.markers import committing
from tests.races import race
from tests.tokens import api_token_for
from worker.tasks import forget_expired_tokens

pytestmark = pytest.mark.django_db


def sign_in(person, device: str = "", password: str = PASSWORD):
    answer = APIClient().post(
        "/api/v1/auth/token/",
        {"username": person.username, "password": password, "device_name": device},
        format="json",
    )
    return answer


def client_with(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.fixture
def person():
    return member(DepartmentRole.REQUESTER)


def test_a_device_signs_in_and_sees_itself_listed_with_its_last_use(person):
    answer = sign_in(person, device="  HP   Bu Sri ")
    assert answer.status_code == 200
    body = answer.json()
    token = body["token"]
    assert token.startswith("pasar_") and body["device"]["name"] == "HP Bu Sri"
    stored = ApiToken.objects.get(user=person)
    assert token not in (stored.digest, stored.token_key)  # only a digest is kept
    expiry = datetime.datetime.fromisoformat(body["expiry"])
    assert abs(expiry - (timezone.now() + datetime.timedelta(days=14))) < datetime.timedelta(
        minutes=1
    )
    assert stored.last_used_at is None

    devices = client_with(token).get("/api/v1/auth/tokens/").json()
    assert [(d["name"], d["current"]) for d in devices] == [("HP Bu Sri", True)]
    assert devices[0]["last_used_at"] is not None
    created = AuditEvent.objects.get(action="api_token.create", object_id=str(person.pk))
    assert created.after["device"] == "HP Bu Sri" and token not in str(created.after)


def test_an_unused_token_expires_and_a_used_one_lives_no_longer_than_its_maximum(person):
    token = sign_in(person, device="kantor").json()["token"]
    stored = ApiToken.objects.get(user=person)

    long_ago = timezone.now() - datetime.timedelta(days=89, hours=23)
    ApiToken.objects.filter(pk=stored.pk).update(created=long_ago, last_used_at=None)
    assert client_with(token).get("/api/v1/me/").status_code == 200
    stored.refresh_from_db()
    assert stored.expiry == long_ago + datetime.timedelta(days=90)  # not 14 days from now

    ApiToken.objects.filter(pk=stored.pk).update(expiry=timezone.now() - datetime.timedelta(1))
    refused = client_with(token).get("/api/v1/me/")
    assert refused.status_code == 401
    assert "Masuk lagi" in refused.json()["error"]["message"]

    # The night's sweep deletes it, audited; a token still valid stays.
    api_token_for(person, name="laptop")
    assert forget_expired_tokens.delay().get() == 1
    assert list(ApiToken.objects.filter(user=person).values_list("name", flat=True)) == ["laptop"]
    forgotten = AuditEvent.objects.get(action="api_token.revoke", before__reason="expired")
    assert forgotten.before["device"] == "kantor" and forgotten.actor is None
    assert PeriodicTask.objects.get(task="worker.forget_expired_tokens").enabled


def test_a_token_costs_one_query_a_request(person, api_as):
    token = sign_in(person, device="kantor").json()["token"]
    client = client_with(token)
    client.get("/api/v1/me/")  # the first use is recorded; the next within a minute is not
    with CaptureQueriesContext(connection) as with_token:
        assert client.get("/api/v1/me/").status_code == 200
    with CaptureQueriesContext(connection) as without:
        assert api_as(person).get("/api/v1/me/").status_code == 200
    assert len(with_token) == len(without) + 1


def test_use_moves_the_expiry_forward_at_most_once_a_minute(person):
    token = sign_in(person, device="kantor").json()["token"]
    client = client_with(token)
    client.get("/api/v1/me/")
    first = ApiToken.objects.get(user=person)
    client.get("/api/v1/me/")
    again = ApiToken.objects.get(user=person)
    assert (again.last_used_at, again.expiry) == (first.last_used_at, first.expiry)


def test_signing_in_again_on_a_device_replaces_its_token_only(person):
    phone = sign_in(person, device="HP").json()["token"]
    laptop = sign_in(person, device="Laptop").json()["token"]
    phone_again = sign_in(person, device="HP").json()["token"]
    assert client_with(phone).get("/api/v1/me/").status_code == 401
    assert client_with(laptop).get("/api/v1/me/").status_code == 200
    assert client_with(phone_again).get("/api/v1/me/").status_code == 200
    assert ApiToken.objects.filter(user=person).count() == 2


def test_beyond_ten_devices_the_least_recently_used_is_signed_out(person, settings):
    tokens = [api_token_create(user=person, name=f"HP {n}")[1] for n in range(10)]
    for token in tokens[1:]:
        client_with(token).get("/api/v1/me/")  # every device but the first has been used
    api_token_create(user=person, name="HP baru")
    names = set(ApiToken.objects.filter(user=person).values_list("name", flat=True))
    assert len(names) == 10 and "HP 0" not in names and "HP baru" in names
    event = AuditEvent.objects.filter(action="api_token.revoke").get()
    assert event.before["device"] == "HP 0" and event.before["reason"] == "too many devices"


def test_logout_signs_out_this_device_and_logout_all_every_device(person):
    phone = sign_in(person, device="HP").json()["token"]
    laptop = sign_in(person, device="Laptop").json()["token"]
    assert client_with(phone).post("/api/v1/auth/logout/").status_code == 204
    assert client_with(phone).get("/api/v1/me/").status_code == 401
    assert client_with(laptop).get("/api/v1/me/").status_code == 200

    tablet = sign_in(person, device="Tablet").json()["token"]
    assert client_with(laptop).post("/api/v1/auth/logout-all/").status_code == 204
    for token in (laptop, tablet):
        assert client_with(token).get("/api/v1/me/").status_code == 401
    reasons = AuditEvent.objects.filter(action="api_token.revoke").values_list(
        "before__reason", flat=True
    )
    assert sorted(reasons) == ["signed out", "signed out everywhere", "signed out everywhere"]


def test_logout_of_a_page_session_says_it_has_no_token_to_end(client, person):
    client.force_login(person)
    answer = client.post("/api/v1/auth/logout/", HTTP_ACCEPT_LANGUAGE="en")
    # Pages' sessions go through the page sign-out; the API answers which request it needs.
    assert answer.status_code in {400, 403}


def test_a_device_is_signed_out_from_another_but_never_someone_elses(person):
    phone = sign_in(person, device="HP").json()["token"]
    laptop = sign_in(person, device="Laptop").json()["token"]
    other = member(DepartmentRole.REQUESTER)
    stranger = sign_in(other, device="HP").json()["token"]
    strangers_device = ApiToken.objects.get(user=other).public_id

    refused = client_with(laptop).delete(f"/api/v1/auth/tokens/{strangers_device}/")
    assert refused.status_code == 404
    assert client_with(stranger).get("/api/v1/me/").status_code == 200

    phone_id = ApiToken.objects.get(user=person, name="HP").public_id
    assert client_with(laptop).delete(f"/api/v1/auth/tokens/{phone_id}/").status_code == 204
    assert client_with(phone).get("/api/v1/me/").status_code == 401
    listed = client_with(stranger).get("/api/v1/auth/tokens/").json()
    assert [device["name"] for device in listed] == ["HP"]  # only their own


def test_a_device_name_has_a_bound(person):
    answer = sign_in(person, device="x" * 81)
    assert answer.status_code == 400
    assert set(answer.json()["error"]["fields"]) == {"device_name"}
    assert not ApiToken.objects.exists()


@committing
@pytest.mark.postgres
def test_two_sign_ins_of_one_device_at_once_keep_one_token():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: real row locks")
    person = member(DepartmentRole.REQUESTER)
    # Without the lock on the person, both find no "HP" to replace and the second insert
    # breaks the one-token-per-device constraint.
    results, errors = race(4, lambda _n: api_token_create(user=person, name="HP"))
    assert errors == [] and len(results) == 4
    assert ApiToken.objects.filter(user=person).count() == 1
    assert AuditEvent.objects.filter(action="api_token.revoke").count() == 3


def test_the_device_list_and_page_read_a_bounded_number_of_queries(
    person, login, django_assert_max_num_queries
):
    for n in range(10):
        api_token_create(user=person, name=f"HP {n}")
    token = sign_in(person, device="laptop").json()["token"]  # the eleventh retires one
    client = client_with(token)
    client.get("/api/v1/me/")
    with django_assert_max_num_queries(3):
        devices = client.get("/api/v1/auth/tokens/").json()
    assert len(devices) == 10 and devices[0]["current"]
    page = login(person)
    with django_assert_max_num_queries(8):
        assert page.get("/accounts/").status_code == 200
