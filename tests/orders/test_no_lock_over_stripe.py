"""Stripe is never asked holding a row lock: while a card payment or a card refund waits for
Stripe's answer, a checkout charged to the same budget line goes through (real threads on
PostgreSQL; the fake Stripe holds its answer until the checkout is done)."""

import threading

import pytest
from django.db import connection

from orders.models import Payment, PurchaseOrder, Refund
from orders.services import payments
from tests.environment import POSTGRES_UP
from tests.markers import committing
from tests.orders.stripe_fakes import event
from tests.orders.test_card_payments import intent_of
from tests.orders.test_inputs import invoiced
from tests.orders.test_payment_races import Verified

pytestmark = [
    pytest.mark.postgres,
    committing,
    pytest.mark.skipif(not POSTGRES_UP, reason="row locks are proved on PostgreSQL"),
]


def in_a_thread(work) -> tuple[threading.Thread, list, list]:
    results, errors = [], []

    def run():
        try:
            results.append(work())
        except Exception as error:  # part of what the test checks
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, results, errors


def a_checkout_goes_through_while_stripe_holds(world, fake_stripe, ask_stripe) -> list:
    """Stripe holds its answer to `ask_stripe()`; meanwhile a checkout on the same budget line
    and product must finish. Returns what `ask_stripe()` returned once Stripe answered."""
    fake_stripe.hold, fake_stripe.asked = threading.Event(), threading.Event()
    asking, asked, failed = in_a_thread(ask_stripe)
    try:
        assert fake_stripe.asked.wait(timeout=20), "Stripe was never asked"
        checkout, placed, refused = in_a_thread(lambda: world.order((world.rice, "10")))
        checkout.join(timeout=15)
        assert not checkout.is_alive(), "the checkout waited for Stripe's answer"
        assert refused == [] and len(placed) == 1
    finally:
        fake_stripe.hold.set()
        asking.join(timeout=30)
    assert failed == []
    return asked


def test_a_checkout_goes_through_while_a_card_payment_waits_for_stripe(world, fake_stripe):
    order = invoiced(world)
    (card,) = a_checkout_goes_through_while_stripe_holds(
        world,
        fake_stripe,
        lambda: payments.card_payment_start(order=order, by=world.treasurer),
    )
    assert card.payment.provider_payment_id
    assert PurchaseOrder.objects.count() == 2  # the paid one and the checkout's


def test_a_checkout_goes_through_while_a_card_refund_waits_for_stripe(world, fake_stripe):
    order = invoiced(world)
    payments.card_payment_start(order=order, by=world.treasurer)
    paid = Payment.objects.get()
    payments.stripe_event_receive(
        event=Verified(event("payment_intent.succeeded", intent_of(paid)))
    )
    (refund,) = a_checkout_goes_through_while_stripe_holds(
        world,
        fake_stripe,
        lambda: payments.order_refund(
            order=order, by=world.treasurer, amount=1_000, reason="Satu karung sobek"
        ),
    )
    assert refund.status == Refund.Status.SUCCEEDED
