"""Paying invoices and giving money back: treasury transfers, card payments through Stripe, the
provider's webhook events, and refunds. One service marks an invoice paid (`order_mark_paid`),
whichever way the money came.

A card payment is an attempt (orders.models.Payment) the treasurer starts: a PaymentIntent for
the invoice, created with an idempotency key of the invoice and the attempt's number, so asking
twice gives the same intent. Stripe is never called inside a transaction nor holding a lock:
a short action records the attempt, Stripe is asked holding nothing, and a second short action
records its answer (as Saleor splits its checkout around the gateway). The order is marked paid
only when Stripe's signed webhook says so. Events are kept once by their id; each only moves an
order forward, whatever order they arrive in. Refunds are split the same way.

Locks (market.locks): the budget line, the order, then its payment attempts and refunds.
"""

import dataclasses
import datetime
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from market.errors import Conflict, DomainError, InvalidInput
from market.locks import lock_row
from market.money import apportion, format_rupiah
from market.services.audit import audit_record
from market.transactions import action
from orders import stripe_gateway
from orders.actions import PAY, REFUND, implements
from orders.models import (
    Invoice,
    OrderStatus,
    Payment,
    PaymentMethod,
    PaymentStatus,
    ProviderEvent,
    PurchaseOrder,
    Refund,
)
from orders.rules import (
    invoice_waiting,
    payment_made,
    refund_problems,
    transfer_problems,
    unasked_refund,
)
from orders.services.notifying import order_notify
from orders.services.transitions import (
    actor_check,
    lock_for_step,
    order_lock,
    order_status,
    record_step,
    release_what_is_left,
)
from orders.spend import spend_of, spend_of_invoice
from orders.taxes import taxes_of_invoice
from procurement.selectors import policy_for
from procurement.services import budget_lines_lock, budget_realise, budget_refund, order_realisation

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


# --- Which invoice, and paying it by transfer ---------------------------------------------


def unpaid_invoice(order: PurchaseOrder, invoice_id=None) -> Invoice:
    """The invoice of the order to pay (orders.rules.invoice_waiting); Conflict when none waits,
    a field error when the one named does not."""
    invoice, problems = invoice_waiting(order, invoice_id)
    if problems:
        raise InvalidInput(problems)
    if invoice is None:
        raise Conflict(
            _("No invoice of order %(number)s is waiting for payment.") % {"number": order.number},
            code="nothing_to_pay",
        )
    return invoice


def next_attempt(invoice: Invoice) -> int:
    last = invoice.payments.aggregate(last=Max("attempt"))["last"]
    return (last or 0) + 1


@implements(PAY)
def order_pay(
    *,
    order: PurchaseOrder,
    by,
    method: str = PaymentMethod.TREASURY_TRANSFER,
    invoice: int | None = None,
    sp2d_number: str = "",
    sp2d_date: datetime.date | None = None,
) -> Payment | CardPayment:
    """The treasurer pays one invoice of the order: by treasury transfer, recorded paid at once
    (a Payment), or by the government card, an attempt the card provider confirms (a
    CardPayment for Stripe.js). Who may pay is asked before anything else."""
    actor_check(by, order, PAY)
    if method == PaymentMethod.CARD:
        return card_payment_start(order=order, by=by, invoice=invoice)
    return transfer_pay(
        order=order, by=by, invoice=invoice, sp2d_number=sp2d_number, sp2d_date=sp2d_date
    )


@action
def transfer_pay(
    *,
    order: PurchaseOrder,
    by,
    sp2d_number: str,
    sp2d_date: datetime.date | None,
    invoice: int | None = None,
) -> Payment:
    """A treasury transfer (SP2D) of one invoice, recorded paid at once."""
    order = lock_for_step(order, PAY, by)
    number = (sp2d_number or "").strip()
    try:
        billed, problems = unpaid_invoice(order, invoice), {}
    except InvalidInput as invalid:  # reported with the other fields' problems
        billed, problems = None, invalid.fields
    problems |= transfer_problems(order, billed, sp2d_number=number, sp2d_date=sp2d_date)
    if problems:
        raise InvalidInput(problems)
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                order=order,
                invoice=billed,
                organisation_id=order.department.organisation_id,
                method=PaymentMethod.TREASURY_TRANSFER,
                attempt=next_attempt(billed),
                amount=billed.amount,
                sp2d_number=number,
                sp2d_date=sp2d_date,
                paid_by=by,
            )
    except IntegrityError:  # another treasurer used the number at the same moment
        raise InvalidInput(
            {
                "sp2d_number": [
                    _("SP2D %(number)s already paid another invoice.") % {"number": number}
                ]
            }
        ) from None
    return order_mark_paid(order=order, payment=payment, by=by)


def order_mark_paid(*, order: PurchaseOrder, payment: Payment, by) -> Payment:
    """The one way an invoice becomes paid, whichever way the money came (the SP2D form, the
    card provider's webhook), inside the caller's action with the budget line and the order
    locked: what it bills becomes realisation, the attempt is recorded succeeded, and when every
    invoice of a fully billed order is paid the order is paid and what is still committed is
    released."""
    invoice = payment.invoice
    budget_realise(line=order.budget_line, spend=spend_of_invoice(order, invoice))
    payment.status, payment.paid_at = PaymentStatus.SUCCEEDED, timezone.now()
    payment.failure_message = ""
    # What was collected, by this route on this day (a certificate that lapsed since the
    # invoice no longer counts); the paid invoice keeps the same figures from now on.
    taxes = taxes_of_invoice(invoice, method=payment.method, paid_on=timezone.localdate())
    for row in (payment, invoice):
        row.keep_taxes(taxes)
    invoice.save(update_fields=Invoice.TAX_FIELDS)
    payment.save(update_fields=["status", "paid_at", "failure_message", *Payment.TAX_FIELDS])
    status = order_status(list(order.lines.all()), list(order.invoices.all()))
    if status == OrderStatus.PAID:
        release_what_is_left(order)
    reference = {"sp2d": payment.sp2d_number} if payment.sp2d_number else {}
    if payment.provider_payment_id:
        reference = {"provider_payment": payment.provider_payment_id}
    record_step(
        order,
        PAY,
        by,
        status,
        amount=payment.amount,
        method=payment.method,
        invoice=invoice.number,
        ppn_collected=taxes.ppn_collected,
        income_tax=taxes.income_tax,
        net_to_vendor=taxes.net_to_vendor,
        tell_also={"document": f"kuitansi-{payment.pk}", "received": taxes.net_to_vendor},
        **reference,
    )
    return payment


# --- By card: Stripe asked between two short actions, holding nothing ----------------------


def card_payment_start(*, order: PurchaseOrder, by, invoice: int | None = None) -> CardPayment:
    """The treasurer starts (or takes up again) paying one invoice by card: the attempt is
    recorded, Stripe's intent made under the attempt's key holding no lock, and its id
    recorded. An attempt the provider cancelled is given up and a new one started."""
    for _try in range(2):
        payment = _card_attempt_claim(order=order, by=by, invoice=invoice)
        card = _card_open(order, payment, by)
        if card is not None:
            return card
        _card_attempt_abandon(order=order, payment_id=payment.pk)
    raise Conflict(
        _("This card payment is no longer open; open the order to see where it stands."),
        code="payment_not_open",
    )


@action
def _card_attempt_claim(*, order: PurchaseOrder, by, invoice) -> Payment:
    """The invoice's open card attempt, or a new one: decided under the order's lock alone."""
    order = lock_for_step(order, PAY, by, only_the_order=True)
    invoice = unpaid_invoice(order, invoice)
    problem = card_payment_problem(order, invoice)
    if problem:
        raise InvalidInput({"method": [problem]})
    pending = (
        invoice.payments.select_for_update(of=("self",))
        .filter(method=PaymentMethod.CARD, status=PaymentStatus.PENDING)
        .order_by("-attempt")
        .first()
    )
    if pending is not None:
        return pending
    return Payment.objects.create(
        order=order,
        invoice=invoice,
        organisation_id=order.department.organisation_id,
        method=PaymentMethod.CARD,
        status=PaymentStatus.PENDING,
        attempt=next_attempt(invoice),
        amount=invoice.amount,
        paid_by=by,
    )


def _card_open(order: PurchaseOrder, payment: Payment, by) -> CardPayment | None:
    """The attempt's intent, asked of Stripe holding no lock (made under the attempt's key when
    the attempt has none yet); None when the provider cancelled it."""
    if payment.provider_payment_id:
        intent = stripe_gateway.intent_retrieve(payment.provider_payment_id)
        if intent.status in OPEN_INTENT:
            return CardPayment(payment, intent.client_secret, settings.STRIPE_PUBLISHABLE_KEY)
        if intent.status in ("processing", "succeeded"):
            raise Conflict(
                _(
                    "The card payment went through; the order is marked paid as soon as the "
                    "card provider confirms it."
                ),
                code="payment_processing",
            )
        return None
    invoice = payment.invoice
    intent = stripe_gateway.intent_create(
        rupiah=payment.amount,
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
    payment = _card_attempt_record(order=order, payment_id=payment.pk, intent_id=intent.id, by=by)
    return CardPayment(payment, intent.client_secret, settings.STRIPE_PUBLISHABLE_KEY)


@action
def _card_attempt_record(*, order: PurchaseOrder, payment_id: int, intent_id: str, by) -> Payment:
    """Stripe's intent id on the attempt (the same key always gives the same intent)."""
    order = order_lock(order.pk)
    payment = lock_row(Payment.objects.select_related("invoice"), payment_id)
    if not payment.provider_payment_id:
        payment.provider_payment_id = intent_id
        payment.save(update_fields=["provider_payment_id"])
        audit_record(
            actor=by,
            action="order.card_payment_start",
            target=order,
            after={
                "payment": payment.pk,
                "attempt": payment.attempt,
                "amount": payment.amount,
                "provider_payment": intent_id,
            },
        )
    return payment


@action
def _card_attempt_abandon(*, order: PurchaseOrder, payment_id: int) -> None:
    """An attempt the provider cancelled: failed, so that the next one starts afresh."""
    order_lock(order.pk)
    payment = lock_row(Payment.objects, payment_id)
    if payment.status == PaymentStatus.PENDING:
        payment.status = PaymentStatus.FAILED
        payment.failure_message = _("The card payment was cancelled.")
        payment.save(update_fields=["status", "failure_message"])


def card_payment_resume(*, order: PurchaseOrder, payment_id: int, by=None) -> CardPayment:
    """The attempt again (the pay page reloaded, a replayed request): its client secret while
    the card can still be entered; Conflict once it is paid, failed or on its way."""
    payment = (
        order.payments.filter(pk=payment_id, method=PaymentMethod.CARD)
        .filter(status=PaymentStatus.PENDING)
        .select_related("invoice")
        .first()
    )
    card = _card_open(order, payment, by) if payment is not None else None
    if card is None:
        raise Conflict(
            _("This card payment is no longer open; open the order to see where it stands."),
            code="payment_not_open",
        )
    return card


# --- Events from the provider -------------------------------------------------------------


def _attempt_of(intent) -> tuple[Payment | None, PurchaseOrder | None]:
    """The attempt the intent belongs to and its order, both locked (or None, None)."""
    payment = Payment.objects.filter(provider_payment_id=intent.get("id") or "").first()
    if payment is None:
        return None, None
    # Locks in the one order: the budget line and the order (as paying does), then the attempt.
    try:
        order = lock_for_step(payment.order, PAY, None)
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


@implements(REFUND)
def order_refund(
    *, order: PurchaseOrder, by, amount, reason: str, payment: int | None = None
) -> Refund:
    """The treasurer or a finance officer gives money back of one payment, never more than is
    left of it: a transfer back is recorded by hand at once; a card payment is refunded through
    Stripe, asked holding no lock between two short actions."""
    refund = _refund_claim(order=order, by=by, amount=amount, reason=reason, payment=payment)
    if refund.payment.method != PaymentMethod.CARD or refund.provider_refund_id:
        return refund
    number = refund.payment.refunds.filter(pk__lte=refund.pk).count()
    try:
        result = stripe_gateway.refund_create(
            intent_id=refund.payment.provider_payment_id,
            rupiah=refund.amount,
            idempotency_key=f"pasar-payment-{refund.payment_id}-refund-{number}",
            metadata={"order": order.number, "refund_id": str(refund.pk)},
        )
    except stripe_gateway.ProviderRefused as refused:  # e.g. a payment already refunded
        _refund_record(order=order, refund_id=refund.pk, provider_id="", status="failed", by=by)
        raise DomainError(
            _("The card provider refused to refund this payment: %(reason)s")
            % {"reason": refused.reason},
            code="refund_refused",
            field="amount",
        ) from None
    refund = _refund_record(
        order=order, refund_id=refund.pk, provider_id=result.id, status=result.status, by=by
    )
    if refund.status == Refund.Status.FAILED:
        raise DomainError(
            _("The card provider refused the refund."), code="refund_refused", field="amount"
        )
    return refund


@action
def _refund_claim(*, order: PurchaseOrder, by, amount, reason: str, payment) -> Refund:
    """Who may refund is asked first; then the refund is recorded, pending for a card (or the
    one a crash left pending, of the same amount, taken up again), done for a transfer."""
    order = lock_for_step(order, REFUND, by)
    paid, problems = payment_made(order, payment)
    if paid is not None:
        paid = lock_row(Payment.objects, paid.pk)
    rupiah, refused = refund_problems(paid, amount=amount, reason=reason)
    if problems or refused:
        raise InvalidInput({**refused, **problems})
    if unasked := unasked_refund(paid, rupiah):
        return unasked  # recorded, but Stripe's answer was lost: ask again under its key
    refund = Refund.objects.create(
        payment=paid, order=order, amount=rupiah, reason=reason.strip(), refunded_by=by
    )
    if paid.method != PaymentMethod.CARD:
        _refund_succeeded(refund)  # the treasury's transfer back, recorded by hand
        _record_refund(order, refund, by)
    return refund


@action
def _refund_record(*, order: PurchaseOrder, refund_id: int, provider_id: str, status: str, by):
    """Stripe's answer on the refund: settled (the ledger follows) or failed; still pending, the
    webhook settles it later."""
    budget_lines_lock([order.budget_line_id])
    order = order_lock(order.pk)
    refund = lock_row(Refund.objects.select_related("payment"), refund_id)
    if refund.status != Refund.Status.PENDING:
        return refund  # the webhook was quicker
    refund.provider_refund_id = provider_id or refund.provider_refund_id
    if status in ("failed", "canceled"):
        refund.status = Refund.Status.FAILED
    refund.save(update_fields=["provider_refund_id", "status"])
    if status == "succeeded":
        _refund_succeeded(refund)
    _record_refund(order, refund, by)
    return refund


def _record_refund(order: PurchaseOrder, refund: Refund, by) -> None:
    record_step(
        order,
        REFUND,
        by,
        order.status,
        tell=refund.status != Refund.Status.FAILED,
        amount=refund.amount,
        reason=refund.reason,
        method=refund.payment.method,
        refund=refund.pk,
        refund_status=refund.status,
    )
