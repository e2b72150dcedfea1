"""The bell: one's own notifications in the API and on the pages, read in one's language, and
one's choice of channels, WhatsApp number and language."""

import pytest
from django.core import mail

from market.audit_privacy import audit_fingerprint
from market.models import AuditEvent, ChannelPreference, Notification, OutboxMessage
from market.services.notifications import notify
from market.transactions import action_scope
from tests.factories import UserFactory
from worker.outbox import message_deliver

pytestmark = pytest.mark.django_db
FACTS = {"number": "SP/DISDIK/2026/00007", "party": "UD Beras Lokal", "amount": 725_000}


def tell(person, count=1, kind="order.submitted", link="/orders/7/"):
    with action_scope():
        for _ in range(count):
            notify(kind=kind, recipients=[person], params=FACTS, link=link)
    return Notification.objects.filter(recipient=person).order_by("-pk").first()


def test_the_api_lists_only_ones_own_newest_first_in_ones_language(api_as):
    ani, budi = UserFactory(), UserFactory()
    tell(budi)
    first = tell(ani, kind="order.approved")
    latest = tell(ani)
    api = api_as(ani)
    listed = api.get("/api/v1/notifications/").json()
    assert [n["id"] for n in listed["results"]] == [latest.pk, first.pk]
    assert listed["results"][0]["title"] == "Pesanan SP/DISDIK/2026/00007 menunggu persetujuan Anda"
    assert "Rp725.000" in listed["results"][0]["body"]
    assert listed["results"][0]["link"] == "/orders/7/" and listed["results"][0]["unread"]
    english = api.get("/api/v1/notifications/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["results"][1]["title"] == "Order SP/DISDIK/2026/00007 was approved"


def test_reading_one_then_all_touches_only_ones_own(api_as):
    ani, budi = UserFactory(), UserFactory()
    theirs = tell(budi, count=2)
    mine = tell(ani, count=3)
    api = api_as(ani)
    assert api.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404
    read = api.post(f"/api/v1/notifications/{mine.pk}/read/")
    assert read.status_code == 200 and read.json()["unread"] is False
    unread = api.get("/api/v1/notifications/", {"unread": "true"}).json()
    assert unread["count"] == 2 and mine.pk not in [n["id"] for n in unread["results"]]
    assert api.post("/api/v1/notifications/read-all/").json() == {"marked": 2}
    assert api.get("/api/v1/notifications/", {"unread": "true"}).json()["count"] == 0
    assert Notification.objects.filter(recipient=budi, read_at__isnull=True).count() == 2


def test_anonymous_people_get_no_notifications(api_client):
    assert api_client.get("/api/v1/notifications/").status_code in (401, 403)
    assert api_client.post("/api/v1/notifications/read-all/").status_code in (401, 403)
    assert api_client.get("/api/v1/notifications/preferences/").status_code in (401, 403)


@pytest.mark.parametrize("page_size", [5, 50])
def test_the_list_runs_a_fixed_number_of_queries(api_as, django_assert_max_num_queries, page_size):
    ani = UserFactory()
    tell(ani, count=60)
    api = api_as(ani)
    with django_assert_max_num_queries(2):  # the count and the page
        listed = api.get("/api/v1/notifications/", {"page_size": page_size}).json()
    assert len(listed["results"]) == page_size


def test_preferences_are_read_and_changed_with_every_problem_named_at_once(api_as, settings):
    settings.WHATSAPP_PHONE_NUMBER_ID, settings.WHATSAPP_TOKEN = "100000000000009", "token"
    ani = UserFactory(email="ani@example.test")
    api = api_as(ani)
    assert api.get("/api/v1/notifications/preferences/").json() == {
        "language": "id",
        "message_language": "",
        "in_app": True,
        "email": True,
        "whatsapp": True,
        "email_address": "ani@example.test",
        "whatsapp_number": "",
        "whatsapp_verified": False,
        "whatsapp_available": True,
    }
    refused = api.put(
        "/api/v1/notifications/preferences/",
        {"language": "fr", "message_language": "fr", "email": "maybe", "whatsapp_number": "x"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert refused.status_code == 400
    assert set(refused.json()["error"]["fields"]) == {
        "language",
        "message_language",
        "email",
        "whatsapp_number",
    }
    assert "Indonesian phone number" in refused.json()["error"]["fields"]["whatsapp_number"][0]
    needs_number = api.patch(
        "/api/v1/notifications/preferences/", {"whatsapp": True}, format="json"
    )
    assert needs_number.status_code == 400
    assert needs_number.json()["error"]["fields"]["whatsapp_number"] == [
        "Isi nomor WhatsApp tujuan pesan."
    ]
    ani.refresh_from_db()
    assert (ani.language, ani.phone) == ("id", "")
    assert not ChannelPreference.objects.exists() and not AuditEvent.objects.exists()

    saved = api.put(
        "/api/v1/notifications/preferences/",
        {"language": "en", "email": False, "whatsapp": True, "whatsapp_number": "0812-3456-7890"},
        format="json",
    )
    assert saved.status_code == 200, saved.json()
    assert saved.json()["whatsapp_number"] == "+6281234567890" and saved.json()["email"] is False
    ani.refresh_from_db()
    assert (ani.language, ani.phone) == ("en", "+6281234567890")
    event = AuditEvent.objects.get(action="person.notification_preferences")
    assert event.before["email"] is True and event.after == {
        "language": "en",
        "message_language": "",
        "email": False,
        "whatsapp": True,
        # the trail keeps only a fingerprint of the number (market.audit_privacy)
        "whatsapp_number": {"fingerprint": audit_fingerprint("+6281234567890"), "key_id": "1"},
    }


def test_the_bell_counts_unread_on_every_page(login):
    ani = UserFactory()
    tell(ani, count=3)
    page = login(ani).get("/")
    assert 'class="count">3</span>' in page.text
    assert "Notifikasi, 3 belum dibaca" in page.text


def test_opening_a_notification_reads_it_and_goes_to_what_it_is_about(login):
    ani, budi = UserFactory(), UserFactory()
    mine, theirs = tell(ani), tell(budi)
    pages = login(ani)
    listed = pages.get("/notifications/")
    assert "Pesanan SP/DISDIK/2026/00007 menunggu persetujuan Anda" in listed.text
    assert f"/notifications/{theirs.pk}/open/" not in listed.text
    assert pages.get(f"/notifications/{mine.pk}/open/").status_code == 405
    opened = pages.post(f"/notifications/{mine.pk}/open/")
    assert opened.status_code == 302 and opened["Location"] == "/orders/7/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert pages.post(f"/notifications/{theirs.pk}/open/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert "Tidak ada yang belum dibaca." in pages.get("/notifications/?unread=1").text


def test_read_all_is_offered_only_while_something_is_unread(login):
    ani = UserFactory()
    tell(ani, count=2)
    pages = login(ani)
    assert "Tandai semua sudah dibaca" in pages.get("/notifications/").text
    pages.post("/notifications/read-all/")
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assert "Tandai semua sudah dibaca" not in pages.get("/notifications/").text


def test_the_notification_page_runs_a_fixed_number_of_queries(login, django_assert_max_num_queries):
    ani = UserFactory()
    tell(ani, count=45)
    pages = login(ani)
    with django_assert_max_num_queries(8):
        assert pages.get("/notifications/").status_code == 200
    with django_assert_max_num_queries(8):
        assert pages.get("/notifications/?page=3").status_code == 200


def test_the_choices_page_offers_whatsapp_only_where_it_is_set_up(login, settings):
    ani = UserFactory(email="")
    pages = login(ani)
    page = pages.get("/notifications/preferences/")
    assert 'name="whatsapp_number"' not in page.text
    assert "Pesan WhatsApp belum disiapkan" in page.text
    assert "Akun Anda tidak memiliki alamat surel" in page.text

    settings.WHATSAPP_PHONE_NUMBER_ID, settings.WHATSAPP_TOKEN = "100000000000009", "token"
    page = pages.get("/notifications/preferences/")
    assert 'name="whatsapp_number"' in page.text
    refused = pages.post(
        "/notifications/preferences/",
        {"message_language": "", "whatsapp": "on", "whatsapp_number": "12"},
    )
    assert "Masukkan nomor telepon Indonesia" in refused.text
    saved = pages.post(
        "/notifications/preferences/",
        {"message_language": "en", "whatsapp": "on", "whatsapp_number": "+62 812 3456 7890"},
    )
    assert saved.status_code == 302
    ani.refresh_from_db()
    assert (ani.message_language, ani.phone) == ("en", "+6281234567890")


def test_switching_the_page_language_keeps_it_on_the_person(client, login):
    ani = UserFactory()
    pages = login(ani)
    pages.post("/i18n/setlang/", {"language": "en", "next": "/"})
    ani.refresh_from_db()
    assert ani.language == "en"
    assert AuditEvent.objects.filter(action="person.notification_preferences").count() == 1
    # On another browser, without the cookie, the pages speak the person's language.
    client.cookies.clear()
    pages = login(ani)
    assert "Sign out" in pages.get("/").text


def emailed(person) -> str:
    """The subject of the e-mail a new notification sends the person."""
    message = OutboxMessage.objects.get(notification=tell(person), channel="email")
    message_deliver(message_id=message.pk)
    return mail.outbox[-1].subject


def test_choosing_english_messages_leaves_the_pages_in_indonesian(login):
    ani = UserFactory(email="ani@example.test")
    pages = login(ani)
    saved = pages.post(
        "/notifications/preferences/", {"message_language": "en", "email": "on"}, follow=True
    )
    assert "django_language" not in saved.cookies
    assert '<html lang="id">' in saved.text and "Pilihan Anda disimpan." in saved.text
    assert '<html lang="id">' in pages.get("/").text
    ani.refresh_from_db()
    assert (ani.language, ani.message_language) == ("id", "en")
    assert emailed(ani) == "Order SP/DISDIK/2026/00007 waits for your approval"


def test_messages_follow_the_page_language_unless_another_was_chosen_for_them(login):
    ani, budi = UserFactory(), UserFactory(message_language="id")
    for person in (ani, budi):
        login(person).post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert emailed(ani) == "Order SP/DISDIK/2026/00007 waits for your approval"
    assert emailed(budi) == "Pesanan SP/DISDIK/2026/00007 menunggu persetujuan Anda"
    budi.refresh_from_db()
    assert (budi.language, budi.message_language) == ("en", "id")
