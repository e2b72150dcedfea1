"""Sign-in and registration limits: five wrong passwords for a username lock it for fifteen
minutes on the page, the API and the admin alike (django-axes), with a translated message and
one audit event; the right password works again once the lock-out is over. Token sign-in and
vendor registration are also limited per address (DRF throttles), audited once per window."""

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
