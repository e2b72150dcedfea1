"""Proving a WhatsApp number with a one-time code: sent as an authentication template, typed
back on the page or through the API, with an expiry, a few tries and a limit per hour."""

import datetime

import pytest
from django.utils import timezone

from market.models import AuditEvent, PhoneCode
from tests.factories import UserFactory
from worker.cloud_api_fake import body_texts
from worker.models import WhatsAppMessage

pytestmark = pytest.mark.django_db
CODE = "/api/v1/notifications/preferences/whatsapp-code/"
VERIFY = "/api/v1/notifications/preferences/whatsapp-verify/"


@pytest.fixture
def ani(whatsapp_cloud):
    return UserFactory(phone="+6281234567890", phone_verified_at=None, language="id")


def sent_code(whatsapp_cloud) -> str:
    body = whatsapp_cloud.delivered()[-1]
    assert body["template"]["name"] == "pasar_phone_code"
    (code,) = body_texts(body)
    return code


def ask(api, capture):
    with capture(execute=True):
        return api.post(CODE)


def test_a_code_sent_by_whatsapp_and_typed_back_verifies_the_number(
    api_as, ani, whatsapp_cloud, django_capture_on_commit_callbacks
):
    api = api_as(ani)
    assert api.get("/api/v1/notifications/preferences/").json()["whatsapp_verified"] is False
    answer = ask(api, django_capture_on_commit_callbacks)
    assert answer.status_code == 202 and answer.json()["sent_to"] == ani.phone
    code = sent_code(whatsapp_cloud)
    assert whatsapp_cloud.delivered()[-1]["to"] == "6281234567890"
    kept = WhatsAppMessage.objects.get(reference__startswith="pasar-code-")
    assert code not in str(kept.body)  # the code is not kept where an administrator reads
    wrong = "000000" if code != "000000" else "111111"
    refused = api.post(VERIFY, {"code": wrong}, format="json")
    assert refused.status_code == 400
    assert "sisa 4 percobaan" in refused.json()["error"]["fields"]["code"][0]
    verified = api.post(VERIFY, {"code": code}, format="json")
    assert verified.status_code == 200 and verified.json()["whatsapp_verified"] is True
    ani.refresh_from_db()
    assert ani.phone_verified_at is not None
    event = AuditEvent.objects.get(action="person.phone_verified")
    assert "fingerprint" in event.after["whatsapp_number"]  # the number itself is not kept
    # A number verified is verified: typing the code again is answered so.
    again = api.post(VERIFY, {"code": code}, format="json")
    assert "sudah terverifikasi" in again.json()["error"]["fields"]["code"][0]
    # Another number is not proved by the last one's code.
    api.patch("/api/v1/notifications/preferences/", {"whatsapp_number": "0813 1111 2222"})
    ani.refresh_from_db()
    assert (ani.phone, ani.phone_verified_at) == ("+6281311112222", None)


def test_wrong_codes_expired_codes_and_bad_input_are_refused(
    api_as, ani, whatsapp_cloud, django_capture_on_commit_callbacks, settings
):
    api = api_as(ani)
    for bad in ("12345", "abcdef", "", "1234567"):
        answer = api.post(VERIFY, {"code": bad}, format="json")
        assert answer.status_code == 400 and "code" in answer.json()["error"]["fields"]
    assert api.post(VERIFY, {"code": "123456"}, format="json").status_code == 400  # none sent
    ask(api, django_capture_on_commit_callbacks)
    code = sent_code(whatsapp_cloud)
    wrong = "000000" if code != "000000" else "111111"
    for _try in range(settings.PHONE_CODE_TRIES):
        assert api.post(VERIFY, {"code": wrong}, format="json").status_code == 400
    too_many = api.post(VERIFY, {"code": code}, format="json")
    assert "Terlalu banyak kode yang salah" in too_many.json()["error"]["fields"]["code"][0]

    ask(api, django_capture_on_commit_callbacks)
    code = sent_code(whatsapp_cloud)
    PhoneCode.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    expired = api.post(VERIFY, {"code": code}, format="json")
    assert "kedaluwarsa" in expired.json()["error"]["fields"]["code"][0]
    ani.refresh_from_db()
    assert ani.phone_verified_at is None


def test_codes_are_limited_per_person_and_per_number(
    api_as, ani, whatsapp_cloud, django_capture_on_commit_callbacks, settings
):
    api = api_as(ani)
    for _code in range(settings.PHONE_CODES_PER_HOUR):
        assert ask(api, django_capture_on_commit_callbacks).status_code == 202
    refused = ask(api, django_capture_on_commit_callbacks)
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "throttled"
    # Someone else typing the same number cannot flood it either.
    other = UserFactory(phone=ani.phone, phone_verified_at=None)
    assert ask(api_as(other), django_capture_on_commit_callbacks).status_code == 429
    assert len(whatsapp_cloud.delivered()) == settings.PHONE_CODES_PER_HOUR


def test_only_the_person_may_verify_and_only_with_whatsapp_set_up(api_as, settings):
    ani = UserFactory(phone="+6281234567890", phone_verified_at=None)
    settings.WHATSAPP_TOKEN = ""
    answer = api_as(ani).post(CODE)
    assert answer.status_code == 409
    assert api_as(UserFactory(phone="")).post(CODE).status_code in (400, 409)
    from market.errors import NotAllowed
    from market.services.phone_codes import phone_code_request

    with pytest.raises(NotAllowed):
        phone_code_request(user=ani, by=UserFactory())


def test_the_choices_page_sends_a_code_and_takes_it_back(
    login, ani, whatsapp_cloud, django_capture_on_commit_callbacks
):
    pages = login(ani)
    page = pages.get("/notifications/preferences/")
    assert "belum terverifikasi" in page.text and "Kirimi saya kode" in page.text
    with django_capture_on_commit_callbacks(execute=True):
        sent = pages.post("/notifications/preferences/whatsapp-code/", follow=True)
    assert "Kode telah dikirim" in sent.text
    code = sent_code(whatsapp_cloud)
    wrong = pages.post("/notifications/preferences/whatsapp-verify/", {"code": "12"})
    assert wrong.status_code == 400 and "Ketik 6 angka" in wrong.text
    done = pages.post("/notifications/preferences/whatsapp-verify/", {"code": code}, follow=True)
    assert "Nomor WhatsApp Anda terverifikasi" in done.text
    assert "Kirimi saya kode" not in done.text
