"""Answering an order from WhatsApp: the new-order template with its buttons, the webhook
Meta posts when the vendor taps one, and everything that must be refused without a change."""

import json
import time

import pytest
from django.core import signing
from django.utils import timezone

from market.models import AuditEvent, Job
from orders.models import OrderStatus
from orders.services.transitions import order_accept, order_approve, order_expire
from tests.environment import POSTGRES_UP
from tests.factories import UserFactory
from tests.markers import committing
from tests.races import race
from worker.cloud_api_fake import (
    body_texts,
    button_reply,
    quick_reply_payloads,
    signed,
    text_reply,
    webhook,
)
from worker.models import WhatsAppMessage
from worker.whatsapp_tokens import reply_token

pytestmark = pytest.mark.django_db
WEBHOOK = "/api/v1/whatsapp/webhook/"
SECRET = "test-app-secret"
VENDOR_PHONE = "+6281234500001"


def post(client, body: dict, *, secret=SECRET, raw: bytes | None = None, signature=None):
    data, headers = signed(body, secret)
    extra = (
        {}
        if signature is False
        else {"X-Hub-Signature-256": signature or headers["X-Hub-Signature-256"]}
    )
    return client.post(
        WEBHOOK, raw if raw is not None else data, content_type="application/json", headers=extra
    )


@pytest.fixture
def waiting_order(world, whatsapp_cloud, django_capture_on_commit_callbacks):
    """An order approved for the rice seller, who proved their WhatsApp number; the template
    it received."""
    seller = world.rice_seller
    seller.phone, seller.phone_verified_at, seller.full_name = (
        VENDOR_PHONE,
        timezone.now(),
        "Ibu Sari",
    )
    seller.save()
    with django_capture_on_commit_callbacks(execute=True):
        (order,) = world.order((world.rice, "100"))
        order_approve(order=order, by=world.approver)
    (template,) = [
        body for body in whatsapp_cloud.delivered() if body["to"] == VENDOR_PHONE.lstrip("+")
    ]
    return order, template


def tap(whatsapp_cloud, template, button: int, *, sender=VENDOR_PHONE) -> dict:
    payload = quick_reply_payloads(template)[button]
    text = ("Terima", "Tolak")[button]
    return webhook(
        whatsapp_cloud.phone_number_id,
        messages=[button_reply(sender=sender, payload=payload, text=text)],
    )


def replies(whatsapp_cloud) -> list[str]:
    return [body["text"]["body"] for body in whatsapp_cloud.delivered() if body["type"] == "text"]


def test_terima_accepts_the_order_once_however_often_the_webhook_comes(
    client, world, whatsapp_cloud, waiting_order, django_capture_on_commit_callbacks
):
    order, template = waiting_order
    assert template["template"]["name"] == "pasar_order_to_accept"
    assert body_texts(template)[:2] == ["Ibu Sari", order.number]
    tapped = tap(whatsapp_cloud, template, 0)
    for _three_times in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            answer = post(client, tapped)
        assert answer.status_code == 200
    order.refresh_from_db()
    assert order.status == OrderStatus.ACCEPTED
    (accepted,) = AuditEvent.objects.filter(action="order.accept")
    assert accepted.actor == world.rice_seller and accepted.after["via"] == "whatsapp"
    (stored,) = WhatsAppMessage.objects.filter(direction="in")
    assert (stored.status, stored.order, stored.action) == ("done", order, "accept")
    (thanks,) = replies(whatsapp_cloud)
    assert f"pesanan {order.number} diterima" in thanks

    # The surat pesanan follows as a document, at a link Meta can fetch.
    (document,) = [
        body
        for body in whatsapp_cloud.delivered()
        if body["type"] == "template" and body["template"]["name"] == "pasar_order_purchase_order"
    ]
    header = document["template"]["components"][0]
    assert header["type"] == "header"
    link = header["parameters"][0]["document"]["link"]
    pdf = client.get(link.removeprefix("http://127.0.0.1:8000"))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert client.get(link.removeprefix("http://127.0.0.1:8000")[:-3] + "xx/").status_code == 404

    page = client
    page.force_login(world.requester, backend="django.contrib.auth.backends.ModelBackend")
    assert "lewat WhatsApp" in page.get(f"/orders/{order.pk}/").text


def test_tolak_asks_for_the_reason_and_the_next_reply_declines_with_it(
    client, world, whatsapp_cloud, waiting_order, django_capture_on_commit_callbacks
):
    order, template = waiting_order
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, tap(whatsapp_cloud, template, 1)).status_code == 200
    order.refresh_from_db()
    assert order.status == OrderStatus.APPROVED  # not yet: the reason first
    assert "alasan" in replies(whatsapp_cloud)[-1]

    def say(text):
        message = text_reply(sender=VENDOR_PHONE, text=text)
        with django_capture_on_commit_callbacks(execute=True):
            assert post(client, webhook("1", messages=[message])).status_code == 200

    say("   ")  # no reason: asked again, nothing changed
    order.refresh_from_db()
    assert order.status == OrderStatus.APPROVED
    assert "Isi alasannya. Balas lagi" in replies(whatsapp_cloud)[-1]
    say("Stok beras habis sampai panen berikutnya")
    order.refresh_from_db()
    assert order.status == OrderStatus.DECLINED
    assert order.reason == "Stok beras habis sampai panen berikutnya"
    declined = AuditEvent.objects.get(action="order.decline")
    assert declined.actor == world.rice_seller and declined.after["via"] == "whatsapp"
    say("Maaf, sekali lagi")  # nothing waits for a reason now: how to answer
    assert "tombol" in replies(whatsapp_cloud)[-1]
    assert AuditEvent.objects.filter(action="order.decline").count() == 1


@pytest.mark.parametrize(
    "case", ["no signature", "wrong signature", "changed after signing", "other secret"]
)
def test_a_webhook_not_signed_by_meta_is_refused_unread(
    client, whatsapp_cloud, waiting_order, case
):
    order, template = waiting_order
    body = tap(whatsapp_cloud, template, 0)
    raw, _headers = signed(body, SECRET)
    answers = {
        "no signature": lambda: post(client, body, signature=False),
        "wrong signature": lambda: post(client, body, signature="sha256=" + "0" * 64),
        "changed after signing": lambda: post(client, body, raw=raw.replace(b"Terima", b"Tolak!")),
        "other secret": lambda: post(client, body, secret="not-the-app-secret"),
    }
    answer = answers[case]()
    assert answer.status_code == 403 and answer.json()["error"]["code"] == "bad_signature"
    order.refresh_from_db()
    assert order.status == OrderStatus.APPROVED
    assert not WhatsAppMessage.objects.filter(direction="in").exists()


def test_a_huge_or_malformed_body_is_refused_without_a_5xx(client, whatsapp_cloud, waiting_order):
    order, _template = waiting_order
    huge = b'{"object": "whatsapp_business_account", "pad": "' + b"x" * 1024 * 1024 + b'"}'
    answer = post(client, {}, raw=huge, signature=signed({}, SECRET)[1]["X-Hub-Signature-256"])
    assert answer.status_code == 413
    malformed = b'{"object": "whatsapp_business_account", "entry": ['
    from worker.cloud_api import signature_of

    answer = post(client, {}, raw=malformed, signature=signature_of(malformed, SECRET))
    assert answer.status_code == 400 and answer.json()["error"]["code"] == "parse_error"
    odd = {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messages": [{"id": 5, "from": None}, "x"],
                            "statuses": [{"status": 1}],
                        },
                    }
                ]
            }
        ],
    }
    assert post(client, odd).status_code == 200  # signed but odd: nothing to do
    assert post(client, {"object": "page"}).status_code == 400
    order.refresh_from_db()
    assert order.status == OrderStatus.APPROVED
    assert not WhatsAppMessage.objects.filter(direction="in").exists()


def _refused_politely(client, whatsapp_cloud, order, body, capture, words: str):
    with capture(execute=True):
        assert post(client, body).status_code == 200
    order.refresh_from_db()
    assert order.status == OrderStatus.APPROVED
    assert words in replies(whatsapp_cloud)[-1]
    assert WhatsAppMessage.objects.filter(direction="in").latest("pk").status == "refused"


def test_another_vendors_number_cannot_answer_with_this_orders_button(
    client, world, whatsapp_cloud, waiting_order, django_capture_on_commit_callbacks
):
    order, template = waiting_order
    other = world.besek_seller
    other.phone, other.phone_verified_at = "+6281234500002", timezone.now()
    other.save()
    body = tap(whatsapp_cloud, template, 0, sender=other.phone)
    _refused_politely(
        client, whatsapp_cloud, order, body, django_capture_on_commit_callbacks, "tidak boleh"
    )
    # Nor with a token minted for their own person on an order that is not their vendor's.
    forged = reply_token(order_id=order.pk, action="accept", person_id=other.pk)
    message = button_reply(sender=other.phone, payload=forged, text="Terima")
    _refused_politely(
        client,
        whatsapp_cloud,
        order,
        webhook("1", messages=[message]),
        django_capture_on_commit_callbacks,
        "tidak berwenang",
    )


def test_an_expired_or_made_up_button_changes_nothing(
    client, world, whatsapp_cloud, waiting_order, monkeypatch, django_capture_on_commit_callbacks
):
    order, _template = waiting_order
    long_ago = int(time.time()) - 15 * 86400
    monkeypatch.setattr(
        signing.TimestampSigner, "timestamp", lambda self: signing.b62_encode(long_ago)
    )
    old = reply_token(order_id=order.pk, action="accept", person_id=world.rice_seller.pk)
    monkeypatch.undo()
    message = button_reply(sender=VENDOR_PHONE, payload=old, text="Terima")
    _refused_politely(
        client,
        whatsapp_cloud,
        order,
        webhook("1", messages=[message]),
        django_capture_on_commit_callbacks,
        "kedaluwarsa",
    )
    made_up = button_reply(sender=VENDOR_PHONE, payload=f"{order.pk}:accept", text="Terima")
    _refused_politely(
        client,
        whatsapp_cloud,
        order,
        webhook("1", messages=[made_up]),
        django_capture_on_commit_callbacks,
        "bukan",
    )


def test_a_number_not_verified_cannot_answer(
    client, world, whatsapp_cloud, waiting_order, django_capture_on_commit_callbacks
):
    order, template = waiting_order
    world.rice_seller.phone_verified_at = None
    world.rice_seller.save()
    _refused_politely(
        client,
        whatsapp_cloud,
        order,
        tap(whatsapp_cloud, template, 0),
        django_capture_on_commit_callbacks,
        "Verifikasi",
    )


def test_an_order_no_longer_waiting_is_answered_politely(
    client, world, whatsapp_cloud, waiting_order, django_capture_on_commit_callbacks
):
    order, template = waiting_order
    order_expire(order=order)
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, tap(whatsapp_cloud, template, 0)).status_code == 200
    order.refresh_from_db()
    assert order.status == OrderStatus.EXPIRED
    assert "tidak dapat diubah" in replies(whatsapp_cloud)[-1]
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, tap(whatsapp_cloud, template, 1)).status_code == 200
    assert "tidak dapat ditolak" in replies(whatsapp_cloud)[-1]
    assert not AuditEvent.objects.filter(action__in=["order.accept", "order.decline"]).exists()


def test_the_verification_handshake(client, whatsapp_cloud):
    query = {"hub.mode": "subscribe", "hub.verify_token": "test-verify-token", "hub.challenge": "8"}
    answer = client.get(WEBHOOK, query)
    assert answer.status_code == 200 and answer.content == b"8"
    assert client.get(WEBHOOK, {**query, "hub.verify_token": "guess"}).status_code == 403
    assert client.get(WEBHOOK, {"hub.challenge": "8"}).status_code == 403


def test_a_reply_refused_by_the_cloud_api_is_recorded_not_retried(
    client, whatsapp_cloud, waiting_order, django_capture_on_commit_callbacks
):
    _order, _template = waiting_order
    whatsapp_cloud.script = [(400, 131047)]  # outside the 24 hours: Meta refuses a free text
    message = text_reply(sender="+6289999999999", text="Halo?")
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, webhook("1", messages=[message])).status_code == 200
    (reply,) = WhatsAppMessage.objects.filter(reference__startswith="pasar-reply-")
    assert reply.status == "failed" and "131047" in reply.error
    assert Job.objects.get(task="worker.whatsapp_reply").status == "done"


@committing
@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES_UP, reason="the race needs PostgreSQL")
def test_three_deliveries_at_once_accept_once(world, whatsapp_cloud, settings):
    from django.test import Client

    seller = world.rice_seller
    seller.phone, seller.phone_verified_at = VENDOR_PHONE, timezone.now()
    seller.save()
    (order,) = world.order((world.rice, "100"))
    order_approve(order=order, by=world.approver)
    token = reply_token(order_id=order.pk, action="accept", person_id=seller.pk)
    tapped = webhook(
        "1", messages=[button_reply(sender=VENDOR_PHONE, payload=token, text="Terima")]
    )
    outcomes, errors = race(3, lambda _index: post(Client(), tapped).status_code)
    assert errors == [] and outcomes == [200, 200, 200]
    order.refresh_from_db()
    assert order.status == OrderStatus.ACCEPTED
    assert AuditEvent.objects.filter(action="order.accept").count() == 1
    assert WhatsAppMessage.objects.filter(direction="in").count() == 1
    assert Job.objects.filter(task="worker.whatsapp_reply").count() == 1


def test_an_accepted_order_from_the_page_is_not_accepted_again(
    client, world, whatsapp_cloud, waiting_order, django_capture_on_commit_callbacks
):
    order, template = waiting_order
    order_accept(order=order, by=world.rice_seller)
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, tap(whatsapp_cloud, template, 0)).status_code == 200
    assert AuditEvent.objects.filter(action="order.accept").count() == 1
    assert "tidak dapat diubah" in replies(whatsapp_cloud)[-1]


def test_status_callbacks_move_forward_only(client, whatsapp_cloud, waiting_order):
    _order, template = waiting_order
    reference = template["biz_opaque_callback_data"]
    sent = next(
        r for r in whatsapp_cloud.received if r["json"] is template or r["json"] == template
    )
    for state in ("read", "delivered"):
        assert post(client, whatsapp_cloud.status_webhook(sent, state)).status_code == 200
    assert WhatsAppMessage.objects.get(reference=reference).status == "read"
    stranger = UserFactory()
    assert json.loads(post(client, webhook("1")).content) == {"received": 0}
    assert stranger.pk  # nothing about people changes with a callback
