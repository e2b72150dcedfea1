"""End to end with localstripe, the fake Stripe server from PyPI, on loopback: the app creates
the PaymentIntent through the official SDK, the test confirms it as Stripe.js would, and
localstripe posts its signed webhook to the running app, which alone marks the order paid."""

import pytest
import stripe
from django.db import connection

from orders.models import OrderStatus, Payment, ProviderEvent, PurchaseOrder
from tests.markers import committing
from tests.orders.test_api import act
from tests.orders.test_inputs import invoiced
from tests.waiting import wait_until

pytestmark = [committing, pytest.mark.postgres]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "On SQLite the live server shares the test's in-memory connection, which two "
            "threads must not use at once while a webhook is handled; the webhook itself is "
            "tested on SQLite through a fake transport (test_card_payments.py)."
        )


def confirm_as_stripe_js(base: str, intent_id: str, payment_method: str):
    """What stripe.confirmCardPayment does with the card: attach it and confirm the intent."""
    client = stripe.StripeClient("sk_test_pasar", base_addresses={"api": base})
    client.v1.payment_intents.update(intent_id, params={"payment_method": payment_method})
    return client.v1.payment_intents.confirm(intent_id)


def test_a_visa_card_pays_the_invoice_through_the_signed_webhook(api_as, world, stripe_at):
    order = invoiced(world)
    started = act(api_as(world.treasurer), order.pk, "pay", method="card")
    assert started.status_code == 201, started.json()
    assert started.json()["client_secret"].startswith("pi_")
    payment = Payment.objects.get()
    intent = stripe.StripeClient(
        "sk_test_pasar", base_addresses={"api": stripe_at}
    ).v1.payment_intents.retrieve(payment.provider_payment_id)
    assert (intent.amount, intent.currency) == (1_450_000 * 100, "idr")
    assert intent.metadata["invoice"] == order.invoices.get().number

    assert confirm_as_stripe_js(stripe_at, payment.provider_payment_id, "pm_card_visa").status == (
        "succeeded"
    )
    # The event's outcome is the webhook's last write (on SQLite the live server shares the
    # test's connection, so the order shows paid a moment before it).
    assert wait_until(
        lambda: ProviderEvent.objects.filter(
            type="payment_intent.succeeded", outcome="paid"
        ).exists()
    ), "the webhook did not mark the order paid"
    assert PurchaseOrder.objects.get(pk=order.pk).status == OrderStatus.PAID
    payment.refresh_from_db()
    assert payment.status == "succeeded"


def test_a_card_that_fails_is_recorded_and_the_order_stays_unpaid(api_as, world, stripe_at):
    order = invoiced(world)
    act(api_as(world.treasurer), order.pk, "pay", method="card")
    payment = Payment.objects.get()
    with pytest.raises(stripe.CardError):
        confirm_as_stripe_js(stripe_at, payment.provider_payment_id, "pm_card_chargeCustomerFail")
    assert wait_until(lambda: Payment.objects.get(pk=payment.pk).status == "failed")
    payment.refresh_from_db()
    assert payment.failure_message == "Your card was declined."
    assert PurchaseOrder.objects.get(pk=order.pk).status == OrderStatus.INVOICED
    retry = act(api_as(world.treasurer), order.pk, "pay", method="card")
    assert retry.status_code == 201 and retry.json()["attempt"] == 2
