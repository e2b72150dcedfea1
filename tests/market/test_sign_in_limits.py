"""Sign-in and registration limits: five wrong passwords for a username lock it for fifteen
minutes on the page, the API and the admin alike (django-axes), with a translated message and
one audit event; the right password works again once the lock-out is over. Every sign-in path
(the page, the admin, the API's token) and vendor registration are also limited per client
address (DRF's throttle rates, one count per address for all the sign-in paths), audited once
per window; a forged X-Forwarded-For header does not give an address a new count."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.utils import timezone

from market.models import AuditEvent, DepartmentRole
from market.throttles import AuditedScopedRateThrottle
from tests.factories import PASSWORD, member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()  # throttle counts live in the cache


def _page_sign_in(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_five_wrong_passwords_lock_the_username_until_the_cool_off_ends(client):
    person = member(DepartmentRole.REQUESTER)
    answers = [_page_sign_in(client, person.username, "wrong").status_code for _ in range(5)]
    assert answers == [200, 200, 200, 200, 429]  # the fifth locks the username
    locked = _page_sign_in(client, person.username.upper(), PASSWORD)  # in any letter case
    assert locked.status_code == 429
    assert "Terlalu banyak kata sandi yang salah" in locked.content.decode()
    api = client.post(
        "/api/v1/auth/token/", {"username": person.username, "password": PASSWORD}, format="json"
    )
    assert api.status_code == 429 and api.json()["error"]["code"] == "locked_out"
    assert AuditEvent.objects.filter(action="auth.locked_out").count() == 1

    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
    assert _page_sign_in(client, person.username, PASSWORD).status_code == 302


def test_token_sign_in_is_limited_per_address_and_audited_once(api_client, monkeypatch):
    monkeypatch.setattr(AuditedScopedRateThrottle, "THROTTLE_RATES", {"sign_in": "3/min"})
    answers = [
        api_client.post(
            "/api/v1/auth/token/", {"username": f"nobody{n}", "password": "x"}, format="json"
        ).status_code
        for n in range(5)
    ]
    assert answers == [400, 400, 400, 429, 429]
    assert AuditEvent.objects.filter(action="auth.throttled").count() == 1


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_the_sign_in_pages_are_limited_per_address_and_audited_once(client, path):
    answers = [
        client.post(path, {"username": f"nobody{n}", "password": "Musim-Hujan-2026"})
        for n in range(25)  # password spraying: 25 usernames from one address
    ]
    assert [answer.status_code for answer in answers] == [200] * 20 + [429] * 5
    refused = answers[-1]
    assert "Terlalu banyak percobaan masuk dari alamat ini" in refused.content.decode()
    assert 0 < int(refused["Retry-After"]) <= 60
    assert AuditEvent.objects.filter(action="auth.throttled").count() == 1
    assert client.get(path).status_code in (200, 302)  # the page itself still opens


def _attempt(client, path: str, n: int, **headers) -> int:
    """A wrong password for a username of its own (so no username is locked out)."""
    return client.post(path, {"username": f"nobody{n}", "password": "x"}, **headers).status_code


def test_the_page_the_admin_and_the_api_share_one_count_per_address(client, monkeypatch):
    monkeypatch.setattr(AuditedScopedRateThrottle, "THROTTLE_RATES", {"sign_in": "3/min"})
    assert _attempt(client, "/accounts/login/", 1) == 200
    assert _attempt(client, "/admin/login/", 2) == 200
    assert _attempt(client, "/api/v1/auth/token/", 3) == 400
    assert _attempt(client, "/accounts/login/", 4) == 429
    assert _attempt(client, "/api/v1/auth/token/", 5) == 429


def test_a_forged_forwarded_for_header_does_not_reset_the_count(client, monkeypatch, settings):
    monkeypatch.setattr(AuditedScopedRateThrottle, "THROTTLE_RATES", {"sign_in": "3/min"})
    forged = [
        _attempt(client, "/api/v1/auth/token/", n, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
        for n in range(5)
    ]
    assert forged == [400, 400, 400, 429, 429]
    # Behind one proxy (PROXIES_IN_FRONT=1) the address is the one the proxy added, the last:
    # what the client put before it changes nothing.
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    behind = [
        _attempt(client, "/accounts/login/", n, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}, 203.0.113.9")
        for n in range(10, 14)
    ]
    assert behind == [200, 200, 200, 429]
    assert _attempt(client, "/accounts/login/", 20, HTTP_X_FORWARDED_FOR="203.0.113.10") == 200
