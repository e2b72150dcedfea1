"""Card payments through Stripe (driven through the SDK with a fake transport), the signed
webhook that alone marks an order paid, and refunds through Stripe or by hand."""

import datetime
import time

import pytest
from django.utils import timezone

from market.models import AuditEvent, DepartmentRole, Notification
from orders.models import OrderStatus, Payment, ProviderEvent, PurchaseOrder, Refund
from procurement.models import Policy, SpendEntry
from procurement.services import budget_line_counters_from_ledger
from tests.factories import DepartmentFactory, finance_officer, member
from tests.orders.stripe_fakes import WEBHOOK_SECRET, event, signed
from tests.orders.test_api import act
from tests.orders.test_inputs import invoiced

pytestmark = pytest.mark.django_db
WEBHOOK = "/api/v1/payments/stripe/webhook/"
INVOICE = 1_450_000  # 100 kg of rice at Rp14.500


def start_card(api_as, world, order, key=None):
    return act(api_as(world.treasurer), order.pk, "pay", key=key, method="card")


def intent_of(payment: Payment, **changes) -> dict:
    return {
        "id": payment.provider_payment_id,
        "object": "payment_intent",
        "amount": payment.amount * 100,
        "amount_received": payment.amount * 100,
        "currency": "idr",
        "status": "succeeded",
        **changes,
    }


def deliver(client, body, **options):
    return client.post(WEBHOOK, **signed(body, **options))


def test_a_card_payment_starts_an_intent_in_idr_cents_with_the_invoice_in_metadata(
    api_as, world, fake_stripe
):
    order = invoiced(world)
    started = start_card(api_as, world, order)
    assert started.status_code == 201, started.json()
    payment = Payment.objects.get()
    assert started.json() == {
        "payment": payment.pk,
        "attempt": 1,
        "amount": INVOICE,
        "currency": "idr",
        "client_secret": "pi_fake1_secret_abc",
        "publishable_key": "pk_test_pasar",
        "status": "pending",
    }
    (create,) = fake_stripe.calls("post", "/v1/payment_intents")
    assert create["form"]["amount"] == str(INVOICE * 100) and create["form"]["currency"] == "idr"
    assert create["key"] == f"pasar-invoice-{order.invoices.get().pk}-attempt-1"
    assert create["form"]["metadata[order]"] == order.number
    assert create["form"]["metadata[invoice]"] == order.invoices.get().number
    assert create["form"]["metadata[payment_id]"] == str(payment.pk)
    assert payment.provider_payment_id == "pi_fake1" and payment.status == "pending"
    order.refresh_from_db()
    assert order.status == OrderStatus.INVOICED  # paid only when Stripe says so

    # Asked again, the open attempt is taken up again, not a second intent made.
    again = start_card(api_as, world, order)
    assert again.json()["payment"] == payment.pk
    assert len(fake_stripe.calls("post", "/v1/payment_intents")) == 1


def test_card_payment_is_refused_over_the_cap_or_without_keys(api_as, world, settings):
    order = invoiced(world)
    refused = start_card(api_as, world, order)
    assert refused.status_code == 400
    assert (
        "not set up"
        in refused.json()["error"]["fields"]["method"][0].replace("tidak disiapkan", "not set up")
        or refused.json()["error"]["fields"]["method"]
    )
    settings.STRIPE_SECRET_KEY, settings.STRIPE_PUBLISHABLE_KEY = "sk_test", "pk_test"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    Policy.objects.update_or_create(
        fiscal_year=world.line.fiscal_year, defaults={"card_cap": 1_000_000}
    )
    over = start_card(api_as, world, order)
    assert over.status_code == 400 and "method" in over.json()["error"]["fields"]
    assert not Payment.objects.exists()
    # Only the treasurer pays.
    assert act(api_as(world.requester), order.pk, "pay", method="card").status_code == 403


def test_the_webhook_alone_marks_the_order_paid_and_realises_the_budget(
    api_as, world, fake_stripe, client
):
    order = invoiced(world)
    start_card(api_as, world, order)
    payment = Payment.objects.get()
    answer = deliver(client, event("payment_intent.succeeded", intent_of(payment)))
    assert answer.status_code == 200 and answer.json() == {"received": True, "outcome": "paid"}
    order.refresh_from_db(), payment.refresh_from_db(), world.line.refresh_from_db()
    assert order.status == OrderStatus.PAID and payment.status == "succeeded" and payment.paid_at
    assert world.line.realised == INVOICE and world.line.committed == 0
    assert budget_line_counters_from_ledger(line=world.line) == (0, INVOICE)
    realised = SpendEntry.objects.filter(kind="realise").first()
    assert realised.billed_at == order.invoices.get().issued_at
    paid = AuditEvent.objects.get(action="order.pay")
    assert paid.actor is None and paid.after["provider_payment"] == "pi_fake1"
    told = set(Notification.objects.filter(kind="order.paid").values_list("recipient", flat=True))
    assert told == {world.rice_seller.pk, world.requester.pk}
    kinds = [
        d["kind"]
        for d in api_as(world.treasurer).get(f"/api/v1/orders/{order.pk}/").json()["documents"]
    ]
    assert any(kind.startswith("kuitansi-") for kind in kinds)

    # The same event again (Stripe retries): acknowledged, nothing changes.
    replay = deliver(client, event("payment_intent.succeeded", intent_of(payment)))
    assert replay.json()["outcome"] == "replayed"
    # A different event saying the same: the order is paid once.
    again = deliver(
        client, event("payment_intent.succeeded", intent_of(payment), event_id="evt_other")
    )
    assert again.json()["outcome"] == "already paid"
    world.line.refresh_from_db()
    assert world.line.realised == INVOICE and SpendEntry.objects.filter(kind="realise").count() == 1


def test_forged_or_stale_signatures_are_refused_and_change_nothing(
    api_as, world, fake_stripe, client
):
    order = invoiced(world)
    start_card(api_as, world, order)
    body = event("payment_intent.succeeded", intent_of(Payment.objects.get()))
    forged = deliver(client, body, secret="whsec_someone_else")
    stale = deliver(client, body, at=int(time.time()) - 301)
    unsigned = client.post(WEBHOOK, data="{}", content_type="application/json")
    for refused in (forged, stale, unsigned):
        assert refused.status_code == 400
        assert refused.json()["error"]["code"] == "bad_signature"
    garbled = client.post(
        WEBHOOK,
        data="not json",
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signed(body)["HTTP_STRIPE_SIGNATURE"],
    )
    assert garbled.status_code == 400
    order.refresh_from_db()
    assert order.status == OrderStatus.INVOICED and not ProviderEvent.objects.exists()


def test_an_amount_that_does_not_match_the_invoice_does_not_pay_it(
    api_as, world, fake_stripe, client
):
    order = invoiced(world)
    start_card(api_as, world, order)
    payment = Payment.objects.get()
    short = intent_of(payment, amount=100, amount_received=100)
    assert deliver(client, event("payment_intent.succeeded", short)).json()["outcome"] == (
        "amount does not match the invoice"
    )
    dollars = intent_of(payment, currency="usd")
    in_dollars = event("payment_intent.succeeded", dollars, event_id="evt_usd")
    assert deliver(client, in_dollars).json()["outcome"] == ("amount does not match the invoice")
    order.refresh_from_db(), payment.refresh_from_db()
    assert order.status == OrderStatus.INVOICED and payment.status == "pending"
    assert "Rp1.450.000" in payment.failure_message
    assert AuditEvent.objects.filter(action="order.card_payment_mismatch").count() == 2


def test_a_declined_card_is_recorded_the_treasurer_told_and_a_new_attempt_allowed(
    api_as, world, fake_stripe, client
):
    order = invoiced(world)
    start_card(api_as, world, order)
    first = Payment.objects.get()
    declined = intent_of(
        first,
        status="requires_payment_method",
        last_payment_error={"message": "Your card was declined."},
    )
    answer = deliver(client, event("payment_intent.payment_failed", declined))
    assert answer.json()["outcome"] == "failed"
    first.refresh_from_db()
    assert first.status == "failed" and first.failure_message == "Your card was declined."
    told = Notification.objects.get(kind="order.card_failed")
    assert told.recipient == world.treasurer and told.params["reason"] == "Your card was declined."
    second = start_card(api_as, world, order)
    assert second.json()["attempt"] == 2
    assert fake_stripe.calls("post", "/v1/payment_intents")[1]["key"].endswith("-attempt-2")


def test_events_out_of_order_only_move_the_order_forward(api_as, world, fake_stripe, client):
    order = invoiced(world)
    start_card(api_as, world, order)
    payment = Payment.objects.get()
    deliver(client, event("payment_intent.succeeded", intent_of(payment)))
    late_failure = deliver(
        client, event("payment_intent.payment_failed", intent_of(payment, status="canceled"))
    )
    assert late_failure.json()["outcome"] == "already settled"
    payment.refresh_from_db(), order.refresh_from_db()
    assert payment.status == "succeeded" and order.status == OrderStatus.PAID
    unknown = deliver(client, event("customer.created", {"id": "cus_1", "object": "customer"}))
    assert unknown.status_code == 200 and unknown.json()["outcome"] == "ignored"


def test_an_invoice_is_never_paid_twice(api_as, world, fake_stripe, client):
    order = invoiced(world)
    start_card(api_as, world, order)
    card = Payment.objects.get()
    treasurer = api_as(world.treasurer)
    transfer = act(
        treasurer,
        order.pk,
        "pay",
        sp2d_number="77/SP2D/LS/2026",
        sp2d_date=timezone.localdate().isoformat(),
    )
    assert transfer.json()["status"] == "paid"
    # The card's money arriving after the transfer does not pay it again: it is flagged.
    late = deliver(client, event("payment_intent.succeeded", intent_of(card)))
    assert late.json()["outcome"] == "order already paid"
    card.refresh_from_db()
    assert card.status == "pending" and "kembalikan pembayaran kartu" in card.failure_message
    second = act(
        treasurer,
        order.pk,
        "pay",
        sp2d_number="78/SP2D",
        sp2d_date=timezone.localdate().isoformat(),
    )
    assert second.status_code == 409
    assert start_card(api_as, world, order).status_code == 409
    assert Payment.objects.filter(status="succeeded").count() == 1
    world.line.refresh_from_db()
    assert world.line.realised == INVOICE


def test_a_transfer_is_refunded_by_hand_and_the_ledger_follows(api_as, world, client):
    order = invoiced(world)
    treasurer = api_as(world.treasurer)
    act(
        treasurer, order.pk, "pay", sp2d_number="9/SP2D", sp2d_date=timezone.localdate().isoformat()
    )
    refused = act(treasurer, order.pk, "refund", amount=INVOICE + 1, reason="")
    assert refused.status_code == 400
    assert set(refused.json()["error"]["fields"]) == {"amount", "reason"}
    assert "Rp1.450.000" in refused.json()["error"]["fields"]["amount"][0]
    assert not Refund.objects.exists()

    finance = api_as(finance_officer())
    done = act(finance, order.pk, "refund", amount=450_000, reason="Beras basah 30 kg")
    assert done.status_code == 200, done.json()
    refund = Refund.objects.get()
    assert refund.status == "succeeded" and refund.amount == 450_000
    world.line.refresh_from_db()
    assert world.line.realised == INVOICE - 450_000
    assert budget_line_counters_from_ledger(line=world.line) == (0, INVOICE - 450_000)
    assert act(finance, order.pk, "refund", amount=1_000_001, reason="x").status_code == 400
    assert (
        act(api_as(world.rice_seller), order.pk, "refund", amount=1, reason="x").status_code == 403
    )
    assert act(api_as(world.requester), order.pk, "refund", amount=1, reason="x").status_code == 403
    timeline = api_as(world.treasurer).get(f"/api/v1/orders/{order.pk}/").json()["timeline"]
    assert timeline[-1]["action"] == "order.refund" and timeline[-1]["after"]["amount"] == 450_000
    assert Notification.objects.filter(kind="order.refunded", recipient=world.rice_seller).exists()


def test_a_card_payment_is_refunded_through_stripe(api_as, world, fake_stripe, client):
    order = invoiced(world)
    start_card(api_as, world, order)
    payment = Payment.objects.get()
    deliver(client, event("payment_intent.succeeded", intent_of(payment)))
    treasurer = api_as(world.treasurer)
    fake_stripe.refund_status = "pending"
    act(treasurer, order.pk, "refund", amount=145_000, reason="10 kg kurang")
    (call,) = fake_stripe.calls("post", "/v1/refunds")
    assert call["form"] == {
        "payment_intent": "pi_fake1",
        "amount": "14500000",
        "metadata[order]": order.number,
        "metadata[refund_id]": str(Refund.objects.get().pk),
    }
    assert call["key"] == f"pasar-payment-{payment.pk}-refund-1"
    refund = Refund.objects.get()
    world.line.refresh_from_db()
    assert refund.status == "pending" and world.line.realised == INVOICE  # not yet back
    # The rest cannot be refunded twice while the first is on its way.
    assert act(treasurer, order.pk, "refund", amount=INVOICE, reason="x").status_code == 400
    settled = {"id": refund.provider_refund_id, "object": "refund", "status": "succeeded"}
    assert deliver(client, event("refund.updated", settled)).json()["outcome"] == "refunded"
    refund.refresh_from_db(), world.line.refresh_from_db()
    assert refund.status == "succeeded" and world.line.realised == INVOICE - 145_000

    fake_stripe.refund_status = "succeeded"
    act(treasurer, order.pk, "refund", amount=5_000, reason="Ongkos")
    world.line.refresh_from_db()
    assert world.line.realised == INVOICE - 150_000


def test_stripe_out_of_reach_charges_nothing_and_the_next_try_takes_the_attempt_up(
    api_as, world, fake_stripe
):
    order = invoiced(world)
    fake_stripe.down = True
    answer = start_card(api_as, world, order)
    assert answer.status_code == 503 and answer.json()["error"]["code"] == "provider_unavailable"
    # The attempt was recorded before Stripe was asked (holding no lock): nothing at Stripe.
    attempt = Payment.objects.get()
    assert (attempt.status, attempt.provider_payment_id) == ("pending", "")
    fake_stripe.down = False
    assert start_card(api_as, world, order).status_code == 201
    attempt.refresh_from_db()
    assert Payment.objects.get() == attempt and attempt.provider_payment_id


def test_the_order_page_offers_the_card_or_says_why_not(login, world, settings, fake_stripe):
    order = invoiced(world)
    page = login(world.treasurer).get(f"/orders/{order.pk}/")
    assert "Bayar dengan kartu pemerintah" in page.text
    settings.STRIPE_SECRET_KEY = ""
    page = login(world.treasurer).get(f"/orders/{order.pk}/")
    assert "Bayar dengan kartu pemerintah" not in page.text
    assert "Pembayaran kartu belum disiapkan" in page.text
    assert "Bayar dengan kartu" not in login(world.requester).get(f"/orders/{order.pk}/").text


def test_the_card_page_loads_stripe_js_and_the_intent(login, world, fake_stripe, settings):
    settings.STRIPE_JS_URL = "http://127.0.0.1:9/js.stripe.com/v3/"
    order = invoiced(world)
    pages = login(world.treasurer)
    started = pages.post(f"/orders/{order.pk}/pay/card/")
    payment = Payment.objects.get()
    assert started["Location"] == f"/orders/{order.pk}/pay/card/{payment.pk}/"
    page = pages.get(started["Location"])
    assert '<script src="http://127.0.0.1:9/js.stripe.com/v3/"></script>' in page.text
    assert 'data-client-secret="pi_fake1_secret_abc"' in page.text
    assert 'data-publishable-key="pk_test_pasar"' in page.text
    # Its Content-Security-Policy lets Stripe.js in, on this page only.
    assert "script-src 'self' http://127.0.0.1:9" in page["Content-Security-Policy"]
    assert "127.0.0.1:9" not in pages.get(f"/orders/{order.pk}/")["Content-Security-Policy"]
    # Nobody but the department's treasurer opens it: those who see the order are refused
    # (403, as the API's pay is), anyone else finds nothing.
    assert login(world.requester).get(started["Location"]).status_code == 403
    assert login(world.rice_seller).get(started["Location"]).status_code == 403
    outsider = member(DepartmentRole.TREASURER, DepartmentFactory(code="DINKES"))
    assert login(outsider).get(started["Location"]).status_code == 404


def test_payment_days_are_kept_for_the_delay_figures(api_as, world, client, fake_stripe):
    order = invoiced(world)
    issued = timezone.now() - datetime.timedelta(days=9)
    order.invoices.filter(pk=order.invoices.get().pk).update(issued_at=issued)
    act(
        api_as(world.treasurer),
        order.pk,
        "pay",
        sp2d_number="1/SP2D",
        sp2d_date=timezone.localdate().isoformat(),
    )
    entry = SpendEntry.objects.get(kind="realise")
    assert (entry.occurred_at - entry.billed_at).days == 9
    assert PurchaseOrder.objects.get(pk=order.pk).status == OrderStatus.PAID
