"""Card payments through Stripe, the provider's webhook events, and refunds.

A card payment is an attempt (orders.models.Payment) the treasurer starts: a PaymentIntent for
the invoice, created with an idempotency key of the invoice and the attempt's number, so asking
twice gives the same intent. The order is marked paid only when Stripe's signed webhook says so
(transitions.order_mark_paid, the same service the SP2D form uses). Events are kept once by
their id; each only moves an order forward, whatever order they arrive in.

Locks (market.locks): the budget line, the order, then its payment attempts and refunds.
"""

import dataclasses
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from market.bounds import MAX_RUPIAH, NOTE_LENGTH, text_problem, whole_number
from market.errors import Conflict, DomainError, InvalidInput
from market.locks import lock_row
from market.money import apportion, format_rupiah
from market.services.audit import audit_record
from market.transactions import action
from orders import stripe_gateway
from orders.models import (
    Invoice,
    Payment,
    PaymentMethod,
    PaymentStatus,
    ProviderEvent,
    PurchaseOrder,
    Refund,
)
from orders.services.notifying import order_notify
from orders.services.transitions import (
    lock_for_step,
    next_attempt,
    order_lock,
    order_mark_paid,
    record_step,
    unpaid_invoice,
)
from orders.spend import spend_of
from procurement.selectors import policy_for
from procurement.services import budget_lines_lock, budget_refund, order_realisation

logger = logging.getLogger(__name__)

# Intent states in which the treasurer can still enter a card.
OPEN_INTENT = {"requires_payment_method", "requires_confirmation", "requires_action"}


@dataclasses.dataclass(frozen=True)
class CardPayment:
    """What the pay page needs to confirm a card payment with Stripe.js."""

    payment: Payment
    client_secret: str
    publishable_key: str


def card_payment_problem(order: PurchaseOrder, invoice: Invoice) -> str | None:
    """Why this invoice cannot be paid by card here, or None."""
    if not stripe_gateway.card_payments_enabled():
        return _(
            "Card payments are not set up on this server (no Stripe keys); pay by treasury "
            "transfer."
        )
    cap = policy_for(order.budget_line.fiscal_year).card_cap
    if invoice.amount > cap:
        return _(
            "The government card pays invoices up to %(cap)s (the policy's card cap); pay this "
            "one by treasury transfer."
        ) % {"cap": format_rupiah(cap)}
    return None


def _idempotency_key(payment: Payment) -> str:
    return f"pasar-invoice-{payment.invoice_id}-attempt-{payment.attempt}"


@action
def card_payment_start(*, order: PurchaseOrder, by, invoice: int | None = None) -> CardPayment:
    """The treasurer starts (or takes up again) paying one invoice of an order by card."""
    order = lock_for_step(order, "pay", by)
    invoice = unpaid_invoice(order, invoice)
    problem = card_payment_problem(order, invoice)
    if problem:
        raise InvalidInput({"method": [problem]})
    open_attempt = (
        invoice.payments.select_for_update(of=("self",))
        .filter(method=PaymentMethod.CARD, status=PaymentStatus.PENDING)
        .exclude(provider_payment_id="")
        .order_by("-attempt")
        .first()
    )
    if open_attempt is not None:
        intent = stripe_gateway.intent_retrieve(open_attempt.provider_payment_id)
        if intent.status in OPEN_INTENT:
            return CardPayment(open_attempt, intent.client_secret, settings.STRIPE_PUBLISHABLE_KEY)
        if intent.status in ("processing", "succeeded"):
            raise Conflict(
                _(
                    "The card payment went through; the order is marked paid as soon as the "
                    "card provider confirms it."
                ),
                code="payment_processing",
            )
        open_attempt.status = PaymentStatus.FAILED  # cancelled at the provider: start afresh
        open_attempt.failure_message = _("The card payment was cancelled.")
        open_attempt.save(update_fields=["status", "failure_message"])
    payment = Payment.objects.create(
        order=order,
        invoice=invoice,
        organisation_id=order.department.organisation_id,
        method=PaymentMethod.CARD,
        status=PaymentStatus.PENDING,
        attempt=next_attempt(invoice),
        amount=invoice.amount,
        paid_by=by,
    )
    intent = stripe_gateway.intent_create(
        rupiah=invoice.amount,
        idempotency_key=_idempotency_key(payment),
        metadata={
            "order": order.number,
            "order_id": str(order.pk),
            "invoice": invoice.number,
            "invoice_id": str(invoice.pk),
            "payment_id": str(payment.pk),
            "attempt": str(payment.attempt),
        },
    )
    payment.provider_payment_id = intent.id
    payment.save(update_fields=["provider_payment_id"])
    audit_record(
        actor=by,
        action="order.card_payment_start",
        target=order,
        after={
            "payment": payment.pk,
            "attempt": payment.attempt,
            "amount": payment.amount,
            "provider_payment": intent.id,
        },
    )
    return CardPayment(payment, intent.client_secret, settings.STRIPE_PUBLISHABLE_KEY)


def card_payment_resume(*, order: PurchaseOrder, payment_id: int) -> CardPayment:
    """The attempt again (the pay page reloaded, a replayed request): its client secret while
    the card can still be entered; Conflict once it is paid, failed or on its way."""
    payment = order.payments.filter(
        pk=payment_id, method=PaymentMethod.CARD, status=PaymentStatus.PENDING
    ).first()
    if payment is not None and payment.provider_payment_id:
        intent = stripe_gateway.intent_retrieve(payment.provider_payment_id)
        if intent.status in OPEN_INTENT:
            return CardPayment(payment, intent.client_secret, settings.STRIPE_PUBLISHABLE_KEY)
    raise Conflict(
        _("This card payment is no longer open; open the order to see where it stands."),
        code="payment_not_open",
    )


# --- Events from the provider -------------------------------------------------------------


def _attempt_of(intent) -> tuple[Payment | None, PurchaseOrder | None]:
    """The attempt the intent belongs to and its order, both locked (or None, None)."""
    payment = Payment.objects.filter(provider_payment_id=intent.get("id") or "").first()
    if payment is None:
        return None, None
    # Locks in the one order: the budget line and the order (as paying does), then the attempt.
    try:
        order = lock_for_step(payment.order, "pay", None)
    except Conflict:
        order = order_lock(payment.order_id)  # already moved on: still read under its lock
    return lock_row(Payment.objects, payment.pk), order


def _intent_succeeded(intent) -> str:
    payment, order = _attempt_of(intent)
    if payment is None:
        return "unknown payment"
    if payment.status == PaymentStatus.SUCCEEDED:
        return "already paid"
    expected = stripe_gateway.to_provider(payment.amount)
    received = intent.get("amount_received") or intent.get("amount")
    if intent.get("currency") != stripe_gateway.CURRENCY or received != expected:
        payment.failure_message = _(
            "The card provider reported %(received)s %(currency)s, not the invoice's %(amount)s."
        ) % {
            "received": received,
            "currency": intent.get("currency"),
            "amount": format_rupiah(payment.amount),
        }
        payment.save(update_fields=["failure_message"])
        audit_record(
            actor=None,
            action="order.card_payment_mismatch",
            target=order,
            after={"payment": payment.pk, "received": received, "expected": expected},
        )
        return "amount does not match the invoice"
    if Invoice.objects.filter(pk=payment.invoice_id).unpaid().first() is None:
        # Paid meanwhile by transfer: the card's money must go back; say so where it is read.
        payment.failure_message = _("The invoice was already paid; refund this card payment.")
        payment.save(update_fields=["failure_message"])
        audit_record(
            actor=None,
            action="order.card_payment_after_paid",
            target=order,
            after={"payment": payment.pk, "provider_payment": payment.provider_payment_id},
        )
        return "order already paid"
    order_mark_paid(order=order, payment=payment, by=None)
    return "paid"


def _intent_failed(intent) -> str:
    payment, order = _attempt_of(intent)
    if payment is None:
        return "unknown payment"
    if payment.status != PaymentStatus.PENDING:
        return "already settled"  # a failure arriving after the success changes nothing
    error = intent.get("last_payment_error") or {}
    payment.status = PaymentStatus.FAILED
    payment.failure_message = (error.get("message") or _("The card was declined."))[:500]
    payment.save(update_fields=["status", "failure_message"])
    audit_record(
        actor=None,
        action="order.card_payment_failed",
        target=order,
        after={"payment": payment.pk, "reason": payment.failure_message},
    )
    order_notify(
        order=order,
        event="card_failed",
        by=None,
        invoice=payment.invoice,
        reason=payment.failure_message,
    )
    return "failed"


def _refund_updated(refund_object) -> str:
    refund = Refund.objects.filter(provider_refund_id=refund_object.get("id") or "").first()
    if refund is None:
        return "unknown refund"
    # The budget line and the order first, then the refund (market.locks).
    budget_lines_lock([refund.order.budget_line_id])
    order_lock(refund.order_id)
    refund = lock_row(Refund.objects.select_related("order", "payment"), refund.pk)
    if refund.status != Refund.Status.PENDING:
        return "already settled"
    status = refund_object.get("status")
    if status == "succeeded":
        _refund_succeeded(refund)
        return "refunded"
    if status in ("failed", "canceled"):
        refund.status = Refund.Status.FAILED
        refund.save(update_fields=["status"])
        return "refund failed"
    return "pending"


EVENT_HANDLERS = {
    "payment_intent.succeeded": _intent_succeeded,
    "payment_intent.payment_failed": _intent_failed,
    "refund.updated": _refund_updated,
    "refund.created": _refund_updated,
}


@action
def stripe_event_receive(*, event) -> str:
    """Record a verified Stripe event once and act on it; a replay changes nothing.

    Unknown types are kept and acknowledged. The record and what it does commit together, so
    an event that could not be handled is handled again when Stripe sends it again.
    """
    payload = event.to_dict(for_json=True)  # plain dicts from here on
    try:
        with transaction.atomic():
            record = ProviderEvent.objects.create(
                provider="stripe", event_id=payload["id"], type=payload["type"], payload=payload
            )
    except IntegrityError:
        return "replayed"
    handler = EVENT_HANDLERS.get(record.type)
    outcome = handler((payload.get("data") or {}).get("object") or {}) if handler else "ignored"
    record.outcome = outcome
    record.save(update_fields=["outcome"])
    return outcome


# --- Refunds ------------------------------------------------------------------------------


def _refund_succeeded(refund: Refund) -> None:
    """The money is back: the ledger's realisation of the order falls by the refund, category by
    category in proportion to what was paid for each."""
    order = PurchaseOrder.objects.select_related("budget_line", "vendor").get(pk=refund.order_id)
    paid = order_realisation(line=order.budget_line, order_id=order.pk)
    spend = spend_of(order, [])
    budget_refund(
        line=order.budget_line,
        spend=dataclasses.replace(
            spend,
            amounts_by_category={
                path.strip("/"): amount for path, amount in apportion(refund.amount, paid).items()
            },
        ),
    )
    refund.status, refund.refunded_at = Refund.Status.SUCCEEDED, timezone.now()
    refund.save(update_fields=["status", "refunded_at"])


def refundable(payment: Payment) -> int:
    """What can still be refunded of a payment: paid, less refunds done or on their way."""
    taken = payment.refunds.exclude(status=Refund.Status.FAILED).aggregate(total=Sum("amount"))
    return payment.amount - (taken["total"] or 0)


def _paid(order: PurchaseOrder, payment_id) -> Payment:
    """The succeeded payment of the order to refund, locked: the one named, or the only one."""
    paid = order.payments.filter(status=PaymentStatus.SUCCEEDED).order_by("pk")
    if payment_id not in (None, ""):
        paid = paid.filter(pk=whole_number(payment_id) or 0)
        if not paid.exists():
            raise InvalidInput({"payment": [_("This payment of the order was not made.")]})
    elif paid.count() != 1:
        raise InvalidInput({"payment": [_("Choose the payment to refund.")]})
    return lock_row(Payment.objects, paid.values_list("pk", flat=True)[0])


@action
def order_refund(
    *, order: PurchaseOrder, by, amount, reason: str, payment: int | None = None
) -> Refund:
    """The treasurer or a finance officer gives money back of one payment: through Stripe for a
    card payment, recorded by hand for a transfer. Never more than is left of what was paid."""
    errors = {}
    rupiah = whole_number(amount)
    if rupiah is None or not 0 < rupiah <= MAX_RUPIAH:
        errors["amount"] = [_("Enter a whole number of rupiah above zero.")]
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("Give a reason.")]
    elif problem := text_problem(reason, most=NOTE_LENGTH):
        errors["reason"] = [problem]
    order = lock_for_step(order, "refund", by)
    try:
        payment = _paid(order, payment)
    except InvalidInput as invalid:
        raise InvalidInput({**errors, **invalid.fields}) from None
    left = refundable(payment)
    if "amount" not in errors and rupiah > left:
        errors["amount"] = [
            _("At most %(most)s of the %(paid)s paid can still be refunded.")
            % {"most": format_rupiah(left), "paid": format_rupiah(payment.amount)}
        ]
    if errors:
        raise InvalidInput(errors)
    # Numbered under the payment's lock: a refund whose commit failed after Stripe made it is
    # asked again under the same key, and Stripe answers with the same refund.
    number = payment.refunds.count() + 1
    refund = Refund.objects.create(
        payment=payment, order=order, amount=rupiah, reason=reason, refunded_by=by
    )
    if payment.method == PaymentMethod.CARD:
        try:
            result = stripe_gateway.refund_create(
                intent_id=payment.provider_payment_id,
                rupiah=rupiah,
                idempotency_key=f"pasar-payment-{payment.pk}-refund-{number}",
                metadata={"order": order.number, "refund_id": str(refund.pk)},
            )
        except stripe_gateway.ProviderRefused as refused:  # e.g. a payment already refunded
            raise DomainError(
                _("The card provider refused to refund this payment: %(reason)s")
                % {"reason": refused.reason},
                code="refund_refused",
                field="amount",
            ) from None
        refund.provider_refund_id = result.id
        refund.save(update_fields=["provider_refund_id"])
        if result.status in ("failed", "canceled"):
            raise DomainError(
                _("The card provider refused the refund."), code="refund_refused", field="amount"
            )
        if result.status == "succeeded":
            _refund_succeeded(refund)
    else:
        _refund_succeeded(refund)  # the treasury's transfer back, recorded by hand
    record_step(
        order,
        "refund",
        by,
        order.status,
        amount=rupiah,
        reason=reason,
        method=payment.method,
        refund=refund.pk,
        refund_status=refund.status,
    )
    return refund
