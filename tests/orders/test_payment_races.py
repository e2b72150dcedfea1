"""Real threads on PostgreSQL racing to pay or refund one invoice: it is paid once, the budget
realised once, and never more refunded than was paid."""

import pytest
from django.utils import timezone

from orders.models import Payment, ProviderEvent, Refund
from orders.services import payments
from orders.services.payments import card_payment_start, order_refund
from procurement.services import budget_line_counters_from_ledger
from tests.environment import POSTGRES_UP
from tests.markers import committing
from tests.orders.stripe_fakes import event
from tests.orders.test_card_payments import INVOICE, intent_of
from tests.orders.test_inputs import invoiced
from tests.races import race

pytestmark = [
    pytest.mark.postgres,
    committing,
    pytest.mark.skipif(not POSTGRES_UP, reason="row locks are proved on PostgreSQL"),
]


class Verified(dict):
    """An event as the SDK hands it over after checking its signature."""

    def to_dict(self, for_json=False):
        return dict(self)


def test_one_event_delivered_ten_times_at_once_pays_once(world, fake_stripe):
    order = invoiced(world)
    card_payment_start(order=order, by=world.treasurer)
    succeeded = Verified(event("payment_intent.succeeded", intent_of(Payment.objects.get())))
    outcomes, errors = race(10, lambda _n: payments.stripe_event_receive(event=succeeded))
    assert errors == []
    assert sorted(outcomes) == ["paid"] + ["replayed"] * 9
    assert ProviderEvent.objects.count() == 1
    world.line.refresh_from_db()
    assert budget_line_counters_from_ledger(line=world.line) == (0, INVOICE)


def test_a_transfer_and_the_card_webhook_racing_pay_the_invoice_once(world, fake_stripe):
    order = invoiced(world)
    card_payment_start(order=order, by=world.treasurer)
    card = Payment.objects.get()
    succeeded = Verified(event("payment_intent.succeeded", intent_of(card)))

    def pay(index):
        if index % 2:
            return payments.stripe_event_receive(
                event=Verified({**succeeded, "id": f"evt_{index}"})
            )
        return payments.order_pay(
            order=order,
            by=world.treasurer,
            sp2d_number=f"{index}/SP2D",
            sp2d_date=timezone.localdate(),
        ).status

    outcomes, errors = race(6, pay)
    assert Payment.objects.filter(status="succeeded").count() == 1
    world.line.refresh_from_db()
    assert (world.line.committed, world.line.realised) == (0, INVOICE)
    assert budget_line_counters_from_ledger(line=world.line) == (0, INVOICE)
    assert len(outcomes) + len(errors) == 6


def test_refunds_racing_never_give_back_more_than_was_paid(world):
    order = invoiced(world)
    payments.order_pay(
        order=order, by=world.treasurer, sp2d_number="1/SP2D", sp2d_date=timezone.localdate()
    )
    outcomes, errors = race(
        8,
        lambda n: order_refund(
            order=order, by=world.treasurer, amount=400_000, reason=f"retur {n}"
        ),
    )
    assert len(outcomes) == 3 and len(errors) == 5  # 3 x 400.000 fit in 1.450.000
    assert sum(refund.amount for refund in Refund.objects.all()) == 1_200_000
    world.line.refresh_from_db()
    assert world.line.realised == INVOICE - 1_200_000
    assert budget_line_counters_from_ledger(line=world.line) == (0, INVOICE - 1_200_000)


def test_two_treasurers_starting_a_card_payment_at_once_make_one_attempt(world, fake_stripe):
    order = invoiced(world)
    outcomes, errors = race(4, lambda _n: card_payment_start(order=order, by=world.treasurer))
    assert errors == []
    assert Payment.objects.count() == 1
    # Stripe may be asked by each (holding no lock), always under the one attempt's key: one
    # intent, the same for all.
    keys = {call["key"] for call in fake_stripe.calls("post", "/v1/payment_intents")}
    assert keys == {f"pasar-invoice-{order.invoices.get().pk}-attempt-1"}
    assert {card.payment.pk for card in outcomes} == {Payment.objects.get().pk}
    assert len({card.client_secret for card in outcomes}) == 1
