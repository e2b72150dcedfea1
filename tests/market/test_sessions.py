"""A signed-in page session ends after 30 minutes without a request, and each request pushes
the end back (written at most once a minute)."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from market.models import DepartmentRole
from tests.factories import member

pytestmark = pytest.mark.django_db


def _session() -> Session:
    (session,) = Session.objects.all()
    return session


def test_a_session_left_idle_for_thirty_minutes_is_signed_out(login, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    client = login(member(DepartmentRole.REQUESTER))
    assert client.get("/orders/").status_code == 200

    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    page = client.get("/orders/")
    assert page.status_code == 302 and page["Location"].startswith("/accounts/login/")


def test_each_request_pushes_the_end_back_at_most_once_a_minute(login):
    client = login(member(DepartmentRole.REQUESTER))
    client.get("/orders/")
    soon = timezone.now() + datetime.timedelta(minutes=5)
    Session.objects.update(expire_date=soon)  # as if 25 minutes had gone by idle

    client.get("/orders/")  # within the minute: not written again
    assert _session().expire_date == soon

    session = client.session
    session["_seen"] -= 61  # a minute later
    session.save()
    Session.objects.update(expire_date=soon)
    client.get("/orders/")
    assert _session().expire_date > timezone.now() + datetime.timedelta(minutes=29)
