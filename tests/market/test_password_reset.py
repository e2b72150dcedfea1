"""A forgotten password is reset through a link sent by e-mail; the answer never tells whether
an address is known; the new password is audited and every API token of the person stops
working, as it does when the person is deactivated."""

import re

import pytest
from django.core import mail

from market.models import ApiToken, AuditEvent, DepartmentRole
from tests.factories import member
from tests.tokens import api_token_for

pytestmark = pytest.mark.django_db


def test_a_forgotten_password_is_reset_by_the_link_and_old_tokens_stop_working(client):
    person = member(DepartmentRole.REQUESTER, email="sari@disdik.example")
    api_token_for(person)
    unknown = client.post("/accounts/password-reset/", {"email": "nobody@disdik.example"})
    known = client.post("/accounts/password-reset/", {"email": "sari@disdik.example"})
    assert unknown.status_code == known.status_code == 302
    assert unknown["Location"] == known["Location"]  # the same answer either way
    (message,) = mail.outbox
    assert message.to == ["sari@disdik.example"] and "kata sandi" in message.subject

    link = re.search(r"http://testserver(/accounts/reset/\S+)", message.body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200
    new = "Beras-Lokal-2026!"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302 and done["Location"] == "/accounts/reset/done/"

    person.refresh_from_db()
    assert person.check_password(new)
    assert not ApiToken.objects.filter(user=person).exists()
    revoked = AuditEvent.objects.get(action="api_token.revoke", object_id=str(person.pk))
    assert revoked.before["reason"] == "password changed"
    assert AuditEvent.objects.filter(action="user.password_set", object_id=str(person.pk)).exists()
    assert (
        client.get(link).status_code == 200
        and "sudah dipakai" in client.get(link, follow=True).content.decode()
    )


def test_deactivating_a_person_revokes_their_api_tokens(api_client):
    person = member(DepartmentRole.REQUESTER)
    token = api_token_for(person)
    person.is_active = False
    person.save()
    assert not ApiToken.objects.filter(user=person).exists()
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.get("/api/v1/me/").status_code == 401
