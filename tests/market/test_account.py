"""My account: a new password (audited, every other sign-in ended), and the API devices listed
and signed out, one or all, never another person's."""

import pytest
from django.test import Client
from django.urls import reverse

from market.models import ApiToken, AuditEvent, DepartmentRole
from tests.factories import PASSWORD, member
from tests.tokens import api_token_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def person():
    return member(DepartmentRole.REQUESTER)


def test_the_page_lists_only_my_devices(login, person):
    api_token_for(person, name="HP Bu Sri")
    api_token_for(member(DepartmentRole.REQUESTER), name="HP orang lain")
    page = login(person).get(reverse("account")).content.decode()
    assert "HP Bu Sri" in page and "HP orang lain" not in page
    assert 'aria-label="Keluarkan HP Bu Sri"' in page  # which device each button signs out
    assert "Keluarkan semua perangkat" not in page  # one device: no "all" button


def test_a_device_is_signed_out_from_the_page_but_never_someone_elses(login, person):
    api_token_for(person, name="HP")
    stranger = member(DepartmentRole.REQUESTER)
    api_token_for(stranger, name="HP")
    client = login(person)
    theirs = ApiToken.objects.get(user=stranger).public_id
    assert client.post(reverse("account-device-sign-out", args=[theirs])).status_code == 404
    assert ApiToken.objects.filter(user=stranger).exists()

    mine = ApiToken.objects.get(user=person).public_id
    answer = client.post(reverse("account-device-sign-out", args=[mine]), follow=True)
    assert "HP sudah dikeluarkan." in answer.content.decode()
    assert not ApiToken.objects.filter(user=person).exists()
    assert client.get(reverse("account-device-sign-out", args=[mine])).status_code == 405


def test_every_device_is_signed_out_at_once(login, person):
    for name in ("HP", "Laptop"):
        api_token_for(person, name=name)
    client = login(person)
    assert "Keluarkan semua perangkat" in client.get(reverse("account")).content.decode()
    client.post(reverse("account-devices-sign-out"))
    assert not ApiToken.objects.filter(user=person).exists()
    assert AuditEvent.objects.filter(action="api_token.revoke").count() == 2


def test_a_new_password_keeps_this_page_signed_in_and_ends_the_rest(login, person):
    api_token_for(person, name="HP")
    other_browser = Client()
    other_browser.force_login(person, backend="django.contrib.auth.backends.ModelBackend")
    client = login(person)

    wrong = client.post(
        reverse("account"),
        {"old_password": "nope", "new_password1": "x", "new_password2": "y"},
    )
    page = wrong.content.decode()
    assert wrong.status_code == 200
    assert "Sandi lama Anda yang dimasukkan salah" in page  # every field at once:
    assert "Dua bidang sandi tidak cocok" in page

    new = "Tenun-Ikat-Sintang-77"
    done = client.post(
        reverse("account"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
        follow=True,
    )
    assert "Kata sandi Anda sudah diganti" in done.content.decode()
    person.refresh_from_db()
    assert person.check_password(new) and not ApiToken.objects.filter(user=person).exists()
    assert AuditEvent.objects.filter(action="user.password_set", actor=person).exists()
    assert client.get(reverse("account")).status_code == 200  # still signed in here
    assert other_browser.get(reverse("account")).status_code == 302  # but not there


def test_signed_out_people_are_sent_to_sign_in(client):
    answer = client.get(reverse("account"))
    assert answer.status_code == 302 and reverse("login") in answer["Location"]
