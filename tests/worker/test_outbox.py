"""Delivering the outbox: e-mail in the reader's language, WhatsApp through the Cloud API, retries
with backoff, failures left for an administrator, and each message sent once."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from market.models import AuditEvent, Notification, OutboxMessage
from market.services.notifications import notify
from market.transactions import action_scope
from tests.environment import POSTGRES_UP
from tests.factories import UserFactory
from tests.markers import committing
from tests.races import race
from worker import outbox
from worker.cloud_api_fake import quick_reply_payloads, signed
from worker.models import WhatsAppMessage
from worker.outbox import MAX_ATTEMPTS, message_deliver, outbox_sweep
from worker.whatsapp_tokens import reply_of

pytestmark = pytest.mark.django_db
Status = OutboxMessage.Status
FACTS = {"number": "SP/DISDIK/2026/00042", "party": "UD Beras Lokal", "amount": 1_450_000}


def tell(person, kind="order.submitted", params=FACTS, link="/orders/42/"):
    with action_scope():
        (notification,) = notify(kind=kind, recipients=[person], params=params, link=link)
    return notification


def message(notification, channel):
    return OutboxMessage.objects.get(notification=notification, channel=channel)


def later(**delta):
    """Move every waiting message's times back, as if `delta` had passed."""
    for waiting in OutboxMessage.objects.all():
        for name in ("next_attempt_at", "published_at"):
            if getattr(waiting, name):
                setattr(waiting, name, getattr(waiting, name) - datetime.timedelta(**delta))
        waiting.save()


def test_email_is_written_in_the_readers_language_as_text_and_html(settings):
    settings.SITE_URL = "https://pasar.kuburaya.go.id"
    budi = UserFactory(full_name="Budi Santoso", language="id")
    jane = UserFactory(full_name="Jane Doe", language="en")
    for person in (budi, jane):
        assert message_deliver(message_id=message(tell(person), "email").pk) == Status.SENT
    indonesian, english = mail.outbox
    assert indonesian.to == [budi.email]
    assert indonesian.subject == "Pesanan SP/DISDIK/2026/00042 menunggu persetujuan Anda"
    assert "Halo Budi Santoso," in indonesian.body
    assert (
        "Pesanan SP/DISDIK/2026/00042 kepada UD Beras Lokal senilai Rp1.450.000 menunggu "
        "persetujuan atau penolakan Anda." in indonesian.body
    )
    assert "https://pasar.kuburaya.go.id/orders/42/" in indonesian.body
    html, content_type = indonesian.alternatives[0]
    assert content_type == "text/html" and 'lang="id"' in html
    assert 'href="https://pasar.kuburaya.go.id/orders/42/"' in html and "Buka di Pasar" in html
    assert english.subject == "Order SP/DISDIK/2026/00042 waits for your approval"
    assert "Hello Jane Doe," in english.body
    assert "UD Beras Lokal for Rp1.450.000 waits for your approval or rejection" in english.body
    assert "https://pasar.kuburaya.go.id/notifications/preferences/" in english.body
    assert message(tell(budi), "email").address == ""  # not sent yet: no address recorded
    sent = OutboxMessage.objects.filter(status=Status.SENT)
    assert set(sent.values_list("address", flat=True)) == {budi.email, jane.email}


def test_whatsapp_goes_to_the_cloud_api_as_a_template_with_buttons_and_a_link(whatsapp_cloud):
    vendor = UserFactory(full_name="Ibu Sari", phone="+6281234567890", language="id")
    notification = tell(
        vendor,
        kind="order.to_accept",
        params={**FACTS, "party": "Dinas Pendidikan", "date": "2026-11-25"},
    )
    notification.object_type, notification.object_id = "orders.purchaseorder", "42"
    notification.save()
    assert message_deliver(message_id=message(notification, "whatsapp").pk) == Status.SENT
    (request,) = whatsapp_cloud.received
    assert request["path"] == "/v21.0/100000000000009/messages"
    assert request["headers"]["Authorization"] == "Bearer test-cloud-token"
    assert request["headers"]["Content-Type"] == "application/json"
    reference = f"pasar-outbox-{message(notification, 'whatsapp').pk}"
    body = request["json"]
    accept, decline = quick_reply_payloads(body)
    assert reply_of(accept) == (42, "accept", vendor.pk)
    assert reply_of(decline) == (42, "decline", vendor.pk)
    assert len(accept) <= 128  # the Cloud API's limit for a button's payload
    assert body == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "6281234567890",
        "biz_opaque_callback_data": reference,
        "type": "template",
        "template": {
            "name": "pasar_order_to_accept",
            "language": {"code": "id"},
            "components": [
                {
                    "type": "body",
                    "parameters": [
                        {"type": "text", "text": text}
                        for text in (
                            "Ibu Sari",
                            "SP/DISDIK/2026/00042",
                            "Dinas Pendidikan",
                            "Rp1.450.000",
                            "25 Nov. 2026",  # the day to answer by
                        )
                    ],
                },
                {
                    "type": "button",
                    "sub_type": "quick_reply",
                    "index": "0",
                    "parameters": [{"type": "payload", "payload": accept}],
                },
                {
                    "type": "button",
                    "sub_type": "quick_reply",
                    "index": "1",
                    "parameters": [{"type": "payload", "payload": decline}],
                },
                {
                    "type": "button",
                    "sub_type": "url",
                    "index": "2",
                    "parameters": [{"type": "text", "text": "orders/42/"}],
                },
            ],
        },
    }
    sent = WhatsAppMessage.objects.get(reference=reference)
    assert sent.wamid == request["wamid"] and sent.kind == "pasar_order_to_accept"
    assert sent.person == vendor and sent.phone == vendor.phone


def test_an_unverified_number_receives_nothing_by_whatsapp(whatsapp_cloud):
    stranger_number = UserFactory(phone="+6281234567890", phone_verified_at=None)
    assert list(tell(stranger_number).deliveries.values_list("channel", flat=True)) == ["email"]
    assert whatsapp_cloud.received == []


def test_a_cloud_api_5xx_rate_limit_or_timeout_is_retried_with_backoff_and_a_4xx_is_not(
    whatsapp_cloud, settings
):
    vendor = UserFactory(phone="+6281234567890", email="")
    first, second, third = tell(vendor), tell(vendor), tell(vendor)
    whatsapp_cloud.script = [500, (400, 132001), (400, 130429)]  # template missing; rate limit
    one, two, three = (message(told, "whatsapp") for told in (first, second, third))
    before = timezone.now()
    assert message_deliver(message_id=one.pk) == Status.PENDING
    assert message_deliver(message_id=two.pk) == Status.FAILED
    assert message_deliver(message_id=three.pk) == Status.PENDING
    one.refresh_from_db(), two.refresh_from_db()
    assert one.attempts == 1 and one.last_error.startswith("ConnectionError: HTTP 500")
    assert before + datetime.timedelta(minutes=1) <= one.next_attempt_at
    assert one.next_attempt_at <= timezone.now() + datetime.timedelta(minutes=1)
    assert two.status == Status.FAILED and two.last_error.startswith("HTTP 400, Graph error 132001")

    # Early, even a task run again leaves it to wait out its backoff.
    assert message_deliver(message_id=one.pk) == "skipped"
    assert outbox_sweep() == 0
    later(minutes=1)
    assert outbox_sweep() == 2  # eager Celery: published and sent
    one.refresh_from_db()
    assert one.status == Status.SENT and one.attempts == 2
    statuses = [request["status"] for request in whatsapp_cloud.received]
    assert statuses == [500, 400, 400, 200, 200]

    # A Cloud API that does not answer in time is tried again too.
    settings.WHATSAPP_TIMEOUT = 0.2
    whatsapp_cloud.delay = 0.5
    slow = message(tell(vendor), "whatsapp")
    assert message_deliver(message_id=slow.pk) == Status.PENDING
    slow.refresh_from_db()
    assert "timed out" in slow.last_error


def test_a_message_meta_said_it_took_is_not_sent_again_after_its_sender_died(
    whatsapp_cloud, client
):
    vendor = UserFactory(phone="+6281234567890", email="")
    waiting = message(tell(vendor), "whatsapp")
    OutboxMessage.objects.filter(pk=waiting.pk).update(status=Status.PENDING)
    # The sender posted, was killed before recording the answer; Meta's callback came.
    assert message_deliver(message_id=waiting.pk) == Status.SENT
    (request,) = whatsapp_cloud.received
    WhatsAppMessage.objects.all().delete()
    OutboxMessage.objects.filter(pk=waiting.pk).update(
        status=Status.SENDING, lease_until=timezone.now() - datetime.timedelta(minutes=1)
    )
    raw, headers = signed(whatsapp_cloud.status_webhook(request, "delivered"), "test-app-secret")
    answer = client.post(
        "/api/v1/whatsapp/webhook/",
        raw,
        content_type="application/json",
        headers={"X-Hub-Signature-256": headers["X-Hub-Signature-256"]},
    )
    assert answer.status_code == 200
    waiting.refresh_from_db()
    assert waiting.status == Status.SENT and waiting.address == vendor.phone
    assert outbox_sweep() == 0 and len(whatsapp_cloud.received) == 1
    recorded = WhatsAppMessage.objects.get(reference=f"pasar-outbox-{waiting.pk}")
    assert recorded.status == "delivered" and recorded.wamid == request["wamid"]


def test_after_the_last_attempt_a_message_fails_and_an_administrator_sends_it_again(
    whatsapp_cloud, admin_client, django_capture_on_commit_callbacks
):
    vendor = UserFactory(phone="+6281234567890", email="")
    waiting = message(tell(vendor), "whatsapp")
    whatsapp_cloud.script = [503] * MAX_ATTEMPTS
    for attempt in range(1, MAX_ATTEMPTS + 1):
        outcome = message_deliver(message_id=waiting.pk)
        later(hours=2)
        assert outcome == (Status.FAILED if attempt == MAX_ATTEMPTS else Status.PENDING)
    waiting.refresh_from_db()
    assert waiting.status == Status.FAILED and waiting.attempts == MAX_ATTEMPTS
    assert outbox_sweep() == 0  # failed messages wait for a person

    listing = admin_client.get("/admin/market/outboxmessage/?status=failed")
    assert listing.status_code == 200 and "HTTP 503" in listing.text
    page = admin_client.get(f"/admin/market/outboxmessage/{waiting.pk}/change/")
    assert "Kirim lagi" in page.text
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/admin/market/outboxmessage/{waiting.pk}/retry/")
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == Status.SENT and waiting.attempts == 1
    event = AuditEvent.objects.get(action="outbox.retry")
    assert event.before == {"status": "failed", "attempts": MAX_ATTEMPTS}
    assert len(whatsapp_cloud.received) == MAX_ATTEMPTS + 1


def test_the_admin_bulk_action_sends_only_failed_messages_again(admin_client):
    person = UserFactory()
    failed, sent = message(tell(person), "email"), message(tell(person), "email")
    OutboxMessage.objects.filter(pk=failed.pk).update(status=Status.FAILED, attempts=8)
    OutboxMessage.objects.filter(pk=sent.pk).update(status=Status.SENT)
    admin_client.post(
        "/admin/market/outboxmessage/",
        {"action": "retry", "_selected_action": [failed.pk, sent.pk]},
    )
    assert dict(OutboxMessage.objects.values_list("pk", "status")) == {
        failed.pk: Status.PENDING,
        sent.pk: Status.SENT,
    }
    assert AuditEvent.objects.filter(action="outbox.retry").count() == 1


def test_a_task_run_twice_sends_once():
    person = UserFactory()
    waiting = message(tell(person), "email")
    assert message_deliver(message_id=waiting.pk) == Status.SENT
    assert message_deliver(message_id=waiting.pk) == "skipped"
    assert len(mail.outbox) == 1


def test_a_sender_that_died_lets_the_message_go_when_its_hold_passes():
    person = UserFactory()
    waiting = message(tell(person), "email")
    OutboxMessage.objects.filter(pk=waiting.pk).update(
        status=Status.SENDING,
        attempts=1,
        lease_until=timezone.now() + datetime.timedelta(minutes=5),
    )
    assert message_deliver(message_id=waiting.pk) == "skipped"  # held by the other sender
    assert outbox_sweep() == 0
    assert outbox_sweep(now=timezone.now() + datetime.timedelta(minutes=6)) == 1
    waiting.refresh_from_db()
    assert waiting.status == Status.SENT and waiting.attempts == 2 and len(mail.outbox) == 1


def test_a_person_who_turned_a_channel_off_is_told_in_the_app_only(api_as, whatsapp_cloud):
    person = UserFactory(phone="+6281234567890")
    api_as(person).put(
        "/api/v1/notifications/preferences/", {"email": False, "whatsapp": True}, format="json"
    )
    notification = tell(person)
    assert list(notification.deliveries.values_list("channel", flat=True)) == ["whatsapp"]
    nobody = UserFactory(email="", phone="")
    assert not tell(nobody).deliveries.exists()  # nowhere to send: the bell only
    inactive = UserFactory(is_active=False)
    with action_scope():
        assert notify(kind="order.paid", recipients=[inactive], params=FACTS) == []


def test_nothing_is_told_when_the_change_rolls_back(django_capture_on_commit_callbacks):
    person = UserFactory()
    with (
        django_capture_on_commit_callbacks() as published,
        pytest.raises(RuntimeError),
        action_scope(),
    ):
        notify(kind="order.paid", recipients=[person], params=FACTS)
        raise RuntimeError("the change failed")
    assert not Notification.objects.exists() and not OutboxMessage.objects.exists()
    assert published == []


def test_the_relay_publishes_after_the_commit_only(django_capture_on_commit_callbacks):
    person = UserFactory()
    with django_capture_on_commit_callbacks() as published:
        tell(person)
        assert mail.outbox == []  # not before the commit
    assert len(published) == 1
    published[0]()
    assert len(mail.outbox) == 1


@committing
@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES_UP, reason="row locks need PostgreSQL")
def test_two_senders_racing_for_one_message_send_it_once(whatsapp_cloud, monkeypatch):
    vendor = UserFactory(phone="+6281234567890", email="")
    monkeypatch.setattr(outbox, "publish", lambda ids: 0)  # the relay is away: nobody sends yet
    waiting = message(tell(vendor), "whatsapp")
    whatsapp_cloud.delay = 0.3
    outcomes, errors = race(8, lambda _index: message_deliver(message_id=waiting.pk))
    assert errors == []
    assert sorted(outcomes) == ["sent"] + ["skipped"] * 7
    assert len(whatsapp_cloud.received) == 1


@committing
@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES_UP, reason="skip-locked claims need PostgreSQL")
def test_sweepers_racing_never_publish_the_same_message(monkeypatch):
    people = [UserFactory() for _ in range(40)]
    monkeypatch.setattr(outbox, "publish", lambda ids: 0)  # the broker is away
    with action_scope():
        notify(kind="order.paid", recipients=people, params=FACTS)
    OutboxMessage.objects.update(published_at=timezone.now() - datetime.timedelta(hours=1))
    published = []
    monkeypatch.setattr(outbox, "publish", lambda ids: published.extend(ids) or len(ids))
    monkeypatch.setattr(outbox, "SWEEP_BATCH", 5)
    assert race(4, lambda _index: outbox_sweep())[1] == []
    assert sorted(published) == sorted(OutboxMessage.objects.values_list("pk", flat=True))


def test_a_slow_batch_keeps_its_hold_and_lets_go_of_one_it_lost(monkeypatch):
    person, other = UserFactory(), UserFactory()
    first, second, third = (message(tell(someone), "email") for someone in (person, other, person))
    sending = outbox.SENDERS["email"]
    clock = [timezone.now()]
    monkeypatch.setattr(outbox.timezone, "now", lambda: clock[0])

    def slow(message, connection):
        address = sending(message, connection)
        clock[0] += outbox.LEASE * 0.6  # each send takes more than half the hold
        if message.pk == first.pk:
            # Meanwhile the third's hold was let lapse and another sender claimed it.
            OutboxMessage.objects.filter(pk=third.pk).update(
                attempts=2, lease_until=clock[0] + outbox.LEASE
            )
        return address

    monkeypatch.setitem(outbox.SENDERS, "email", slow)
    outcomes = outbox.messages_deliver(message_ids=[first.pk, second.pk, third.pk])

    # The second was sent under a renewed hold; the third was left to the sender that has it.
    assert outcomes == {first.pk: Status.SENT, second.pk: Status.SENT, third.pk: "skipped"}
    assert len(mail.outbox) == 2
    third.refresh_from_db()
    assert (third.status, third.attempts) == (Status.SENDING, 2)
