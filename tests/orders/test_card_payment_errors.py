"""What Stripe may send or answer that is not the usual: a correctly signed event whose body is
not an event, and a refund Stripe refuses. Each is a 400 naming the field, never a 500, and
leaves nothing written."""

import json

import pytest
import stripe

from market.models import AuditEvent
from orders.models import OrderStatus, Payment, ProviderEvent, Refund
from tests.orders.stripe_fakes import WEBHOOK_SECRET, event
from tests.orders.test_api import act
from tests.orders.test_card_payments import INVOICE, WEBHOOK, deliver, intent_of, start_card
from tests.orders.test_inputs import invoiced

pytestmark = pytest.mark.django_db

REQUIRED_ID = "Isian ini wajib diisi."
NUL_ID = "Karakter null tidak diperbolehkan."
SURROGATE_ID = "Teks tidak boleh memuat karakter surrogate UTF-16 yang tidak berpasangan."


def signed_raw(client, body: str, **headers):
    """Post `body` exactly as written, with Stripe's valid signature over it."""
    signature = stripe.WebhookSignature.generate_signature_header(body, WEBHOOK_SECRET)
    return client.post(
        WEBHOOK,
        data=body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature,
        **headers,
    )


def succeeded(**changes) -> str:
    body = event("payment_intent.succeeded", {"id": "pi_fake1", "amount": 1, "currency": "idr"})
    return json.dumps({**body, **changes})


def with_object(**fields) -> str:
    body = event("payment_intent.payment_failed", {"id": "pi_fake1"})
    body["data"]["object"].update(fields)
    return json.dumps(body)


@pytest.mark.parametrize(
    "body,fields",
    [
        pytest.param("{}", {"id", "type", "data"}, id="empty object"),
        pytest.param('{"type": "x", "data": {"object": {}}}', {"id"}, id="no id"),
        pytest.param(succeeded(id="e" * 256), {"id"}, id="id too long"),
        pytest.param(succeeded(id=5), {"id"}, id="id a number"),
        pytest.param(succeeded(type=["payment_intent.succeeded"]), {"type"}, id="type a list"),
        pytest.param(succeeded(type="t" * 101), {"type"}, id="type too long"),
        pytest.param(succeeded(data="x"), {"data"}, id="data a string"),
        pytest.param(succeeded(data={"object": [1]}), {"data"}, id="object a list"),
        pytest.param(with_object(id={"a": 1}), {"data"}, id="object id a dict"),
        pytest.param(with_object(last_payment_error="declined"), {"data"}, id="error a string"),
        pytest.param(with_object(last_payment_error={"message": 5}), {"data"}, id="message"),
        pytest.param(with_object(amount="lots"), {"data"}, id="amount not a number"),
        pytest.param("[]", {"non_field_errors"}, id="a list"),
        pytest.param('"evt"', {"non_field_errors"}, id="a string"),
    ],
)
def test_a_signed_event_that_is_not_an_event_is_a_field_error_and_stores_nothing(
    api_as, world, fake_stripe, client, body, fields
):
    order = invoiced(world)
    start_card(api_as, world, order)
    answer = signed_raw(client, body)
    assert answer.status_code == 400, answer.content
    error = answer.json()["error"]
    assert error["code"] == "invalid" and set(error["fields"]) == fields
    assert not ProviderEvent.objects.exists()
    order.refresh_from_db()
    assert order.status == OrderStatus.INVOICED


def test_the_field_at_fault_is_named_where_it_is_in_the_event(fake_stripe, client):
    answer = signed_raw(client, '{"type": "x", "data": {"object": {"id": ["pi_1"]}}}')
    fields = answer.json()["error"]["fields"]
    assert fields["id"] == [REQUIRED_ID]
    assert set(fields["data"]["object"]) == {"id"}
    english = signed_raw(client, "{}", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["error"]["fields"]["id"] == ["This field is required."]


def test_text_no_database_can_keep_in_a_signed_event_is_a_field_error(fake_stripe, client):
    nul = signed_raw(client, with_object(description="be\\u0000ras").replace("\\\\", "\\"))
    assert nul.status_code == 400
    assert nul.json()["error"]["fields"] == {"data": {"object": {"description": [NUL_ID]}}}
    surrogate = signed_raw(client, succeeded(id="evt_x").replace("evt_x", "\\ud800"))
    assert surrogate.status_code == 400
    assert surrogate.json()["error"]["fields"] == {"id": [SURROGATE_ID]}
    assert not ProviderEvent.objects.exists()


def test_a_signed_body_that_is_not_json_is_a_translated_400(fake_stripe, client):
    answer = signed_raw(client, "not json")
    assert answer.status_code == 400
    assert answer.json()["error"] == {
        "code": "parse_error",
        "message": "Isi permintaan bukan JSON yang sah (baris 1, kolom 1).",
    }
    assert not ProviderEvent.objects.exists()


def test_the_signature_is_checked_before_the_body_is_read(fake_stripe, client):
    unsigned = client.post(WEBHOOK, data="{}", content_type="application/json")
    forged = deliver(client, {"id": 5}, secret="whsec_someone_else")
    for refused in (unsigned, forged):
        assert refused.status_code == 400
        assert refused.json()["error"]["code"] == "bad_signature"


def test_a_well_formed_event_with_unknown_fields_is_still_handled(
    api_as, world, fake_stripe, client
):
    order = invoiced(world)
    start_card(api_as, world, order)
    intent = intent_of(Payment.objects.get(), latest_charge={"id": "ch_1"}, livemode=False)
    answer = deliver(client, {**event("payment_intent.succeeded", intent), "api_version": "x"})
    assert answer.status_code == 200 and answer.json()["outcome"] == "paid"
    assert ProviderEvent.objects.get().payload["data"]["object"]["latest_charge"] == {"id": "ch_1"}


def paid_by_card(api_as, world, client):
    order = invoiced(world)
    start_card(api_as, world, order)
    deliver(client, event("payment_intent.succeeded", intent_of(Payment.objects.get())))
    order.refresh_from_db(), world.line.refresh_from_db()
    assert order.status == OrderStatus.PAID
    return order


def test_a_refund_stripe_refuses_is_a_field_error_and_moves_no_money(
    api_as, world, fake_stripe, client
):
    order = paid_by_card(api_as, world, client)
    fake_stripe.refusal = {
        "message": "Charge ch_1 has already been refunded.",
        "code": "charge_already_refunded",
    }
    treasurer = api_as(world.treasurer)
    answer = act(treasurer, order.pk, "refund", amount=145_000, reason="10 kg kurang")
    assert answer.status_code == 400, answer.content
    assert answer.json()["error"] == {
        "code": "refund_refused",
        "message": "Penyedia kartu menolak pengembalian dana ini: "
        "Charge ch_1 has already been refunded.",
        "fields": {
            "amount": [
                "Penyedia kartu menolak pengembalian dana ini: "
                "Charge ch_1 has already been refunded."
            ]
        },
    }
    # The refund was asked of Stripe after it was recorded (no lock is held while Stripe
    # answers): it stays, refused, in the order's records and its trail; no money moved.
    assert list(Refund.objects.values_list("status", flat=True)) == [Refund.Status.FAILED]
    event = AuditEvent.objects.get(action="order.refund")
    assert event.after["refund_status"] == Refund.Status.FAILED
    world.line.refresh_from_db()
    assert world.line.realised == INVOICE

    # Asked again for another amount, under the number Stripe already answered: still a 400.
    again = act(treasurer, order.pk, "refund", amount=5_000, reason="Ongkos")
    assert again.status_code == 400
    assert again.json()["error"]["code"] == "refund_refused"
    assert "amount" in again.json()["error"]["fields"]
    assert not Refund.objects.exclude(status=Refund.Status.FAILED).exists()
