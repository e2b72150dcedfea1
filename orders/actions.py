"""Every action on a purchase order, declared once.

An action is one object: from which statuses, to which, who takes it, its button and its words
on the timeline, what it locks, what it needs to have left to act on, its page form and API
input, the question a page asks before it when it cannot be undone, and who is told. The URLs
(orders.urls, orders.urls_api), the buttons and forms of the order page, who may act
(orders.services.transitions.may_act), the work waiting on each home page, the reminders, the
open data's statuses and the notifications all read these objects; none keeps a table of its own.

The service that takes an action is bound to it where the service is written, with
`@implements(ACTION)` (orders/services): this module is below the services, which read it.
Adding an action is its declaration here plus its service.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Exists, F, OuterRef, Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from orders import action_forms, inputs
from orders.models import (
    Actor,
    Invoice,
    Negotiation,
    NegotiationStatus,
    OrderLine,
    OrderStatus,
    Payment,
    PaymentStatus,
    PurchaseOrder,
)

S = OrderStatus
# Actors that are not a person signed in.
MACHINES = frozenset({Actor.SYSTEM, Actor.PAYMENT_PROVIDER})


@dataclass(frozen=True)
class WorkLeft:
    """Whether an action has something to act on beyond the order's status: tested on one
    order (its lines and invoices as loaded) and as a condition on orders in a query."""

    on_order: Callable[[PurchaseOrder], bool]
    in_query: Callable[[], Q]


@dataclass(frozen=True)
class Confirm:
    """The question a page asks before an action that cannot be undone, and its Yes; both are
    filled with the facts of the order (and of the invoice or payment) at stake."""

    question: Promise
    yes: Promise


@dataclass(eq=False)
class OrderAction:
    name: str
    sources: frozenset[str]
    # One status, or those a step may lead to (derived from the lines and invoices).
    targets: frozenset[str]
    actors: frozenset[str]
    label: Promise  # the button
    # The timeline's words when the step reaches no status of its own (a refund, say).
    timeline: Promise | None = None
    # The order moves on (shown as work waiting for the actor); refusals and cancelling do not.
    forward: bool = True
    # What the step changes besides the order, locked before it (market.locks).
    moves_stock: bool = False
    moves_budget: bool = False
    work_left: WorkLeft | None = None
    form: type | None = None  # the page's input (orders.action_forms)
    input: type | None = None  # the API's input (orders.inputs)
    confirm: Confirm | None = None
    # What one form of it acts on (an invoice to pay): a form each; None: the whole order.
    parts: Callable[[PurchaseOrder], list] | None = None
    # (notice kind, audiences) told when it is taken (orders.services.notifying).
    told: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # Offered on the order's page and as an API endpoint of its own (submitting is checkout's).
    offered: bool = True
    # Taken offline on the vendor's phone: the page queues it for the API (pasar/static/pwa).
    queued_offline: bool = False
    service: Callable | None = field(default=None, repr=False)

    @property
    def people_may_take_it(self) -> bool:
        return self.offered and bool(self.actors - MACHINES)

    def has_work_left(self, order: PurchaseOrder) -> bool:
        return self.work_left is None or self.work_left.on_order(order)


def implements(action: OrderAction):
    """Bind the decorated service to the action it takes (once)."""

    def bind(service):
        if action.service is not None:
            raise AssertionError(f"{action.name} is taken by {action.service.__name__} already")
        action.service = service
        return service

    return bind


def _negotiating(order: PurchaseOrder) -> bool:
    return order.negotiations.filter(status=NegotiationStatus.OPEN).exists()


def _lines_where(**condition) -> Q:
    return Q(Exists(OrderLine.objects.filter(order=OuterRef("pk"), **condition)))


def _refusal(**declared) -> OrderAction:
    """Refusing or cancelling gives back the stock held and the budget committed."""
    return OrderAction(forward=False, moves_stock=True, moves_budget=True, **declared)


def _statuses(*statuses) -> frozenset[str]:
    return frozenset(statuses)


SHIPPING = _statuses(S.PARTIALLY_SHIPPED, S.SHIPPED, S.PARTIALLY_RECEIVED)
RECEIVING = _statuses(S.PARTIALLY_RECEIVED, S.RECEIVED)
# Where an invoice may wait for payment: billed per BAST while the rest is delivered.
BILLING = RECEIVING | {S.INVOICED}

SUBMIT = OrderAction(
    name="submit",
    sources=_statuses(S.DRAFT),
    targets=_statuses(S.SUBMITTED),
    actors=frozenset({Actor.REQUESTER}),
    label=_("Submit"),
    moves_stock=True,
    moves_budget=True,
    told=(("order.submitted", (Actor.APPROVER,)),),
    offered=False,
)
# The system approves an order at or under the policy's automatic-approval threshold.
APPROVE = OrderAction(
    name="approve",
    sources=_statuses(S.SUBMITTED),
    targets=_statuses(S.APPROVED),
    actors=frozenset({Actor.APPROVER, Actor.SYSTEM}),
    label=_("Approve"),
    # Approval waits while the price is being negotiated (orders.services.negotiation).
    work_left=WorkLeft(
        lambda order: not _negotiating(order),
        lambda: ~Q(Exists(Negotiation.objects.filter(order=OuterRef("pk"), status="open"))),
    ),
    confirm=Confirm(
        _(
            "Approve order %(number)s of %(amount)s from %(vendor)s? The vendor is told at "
            "once and the amount stays committed on the budget line."
        ),
        _("Yes, approve %(amount)s"),
    ),
    told=(("order.approved", (Actor.REQUESTER,)), ("order.to_accept", (Actor.VENDOR,))),
)
REJECT = _refusal(
    name="reject",
    sources=_statuses(S.SUBMITTED),
    targets=_statuses(S.REJECTED),
    actors=frozenset({Actor.APPROVER}),
    label=_("Reject"),
    form=action_forms.ReasonForm,
    input=inputs.ReasonInput,
    confirm=Confirm(
        _(
            "Reject order %(number)s of %(amount)s? The requester is told your reason, and the "
            "budget and stock it held are given back. This cannot be undone."
        ),
        _("Yes, reject the order"),
    ),
    told=(("order.rejected", (Actor.REQUESTER,)),),
)
CANCEL = _refusal(
    name="cancel",
    sources=_statuses(S.DRAFT, S.SUBMITTED, S.APPROVED, S.ACCEPTED),
    targets=_statuses(S.CANCELLED),
    actors=frozenset({Actor.REQUESTER, Actor.APPROVER}),
    label=_("Cancel order"),
    form=action_forms.ReasonForm,
    input=inputs.ReasonInput,
    confirm=Confirm(
        _(
            "Cancel order %(number)s of %(amount)s? The budget and stock it held are given "
            "back, and everyone in it is told. This cannot be undone."
        ),
        _("Yes, cancel the order"),
    ),
    told=(("order.cancelled", (Actor.REQUESTER, Actor.APPROVER, Actor.VENDOR)),),
)
ACCEPT = OrderAction(
    name="accept",
    sources=_statuses(S.APPROVED),
    targets=_statuses(S.ACCEPTED),
    actors=frozenset({Actor.VENDOR}),
    label=_("Accept order"),
    told=(("order.accepted", (Actor.REQUESTER,)),),
    queued_offline=True,
)
DECLINE = _refusal(
    name="decline",
    sources=_statuses(S.APPROVED),
    targets=_statuses(S.DECLINED),
    actors=frozenset({Actor.VENDOR}),
    label=_("Decline"),
    form=action_forms.ReasonForm,
    input=inputs.ReasonInput,
    confirm=Confirm(
        _(
            "Decline order %(number)s of %(amount)s from %(department)s? The department is "
            "told your reason. This cannot be undone."
        ),
        _("Yes, decline the order"),
    ),
    told=(("order.declined", (Actor.REQUESTER, Actor.APPROVER)),),
    queued_offline=True,
)
EXPIRE = _refusal(
    name="expire",
    sources=_statuses(S.APPROVED),
    targets=_statuses(S.EXPIRED),
    actors=frozenset({Actor.SYSTEM}),
    label=_("Expire"),
    told=(("order.expired", (Actor.REQUESTER, Actor.APPROVER, Actor.VENDOR)),),
)
SHIP = OrderAction(
    name="ship",
    sources=_statuses(S.ACCEPTED, S.PARTIALLY_SHIPPED, S.PARTIALLY_RECEIVED),
    targets=SHIPPING,
    actors=frozenset({Actor.VENDOR}),
    label=_("Ship"),
    moves_stock=True,
    work_left=WorkLeft(
        lambda order: any(line.shipped_quantity < line.due_quantity for line in order.lines.all()),
        lambda: _lines_where(shipped_quantity__lt=F("quantity") - F("cancelled_quantity")),
    ),
    form=action_forms.ShipForm,
    input=inputs.ShipInput,
    told=(("order.shipped", (Actor.REQUESTER, Actor.RECEIVER)),),
    queued_offline=True,
)
RECEIVE = OrderAction(
    name="receive",
    sources=SHIPPING | {S.SHIPPED},
    targets=RECEIVING,
    actors=frozenset({Actor.RECEIVER}),
    label=_("Record receipt (BAST)"),
    work_left=WorkLeft(
        lambda order: any(
            line.received_quantity < line.shipped_quantity for line in order.lines.all()
        ),
        lambda: _lines_where(received_quantity__lt=F("shipped_quantity")),
    ),
    form=action_forms.ReceiveForm,
    input=inputs.ReceiveInput,
    told=(("order.received", (Actor.VENDOR,)),),
)
# The vendor bills what was received and not yet billed (a BAST or several: one termin) while
# the rest is still on its way; the invoice that bills the last of it is the final one.
INVOICE = OrderAction(
    name="invoice",
    sources=RECEIVING,
    targets=_statuses(S.PARTIALLY_RECEIVED, S.INVOICED),
    actors=frozenset({Actor.VENDOR}),
    label=_("Send invoice"),
    work_left=WorkLeft(
        lambda order: any(
            line.invoiced_quantity < line.received_quantity for line in order.lines.all()
        ),
        lambda: _lines_where(invoiced_quantity__lt=F("received_quantity")),
    ),
    confirm=Confirm(
        _("Send an invoice of %(amount)s for what was received (%(receipts)s)? %(rest)s"),
        _("Yes, send the invoice of %(amount)s"),
    ),
    told=(("order.invoiced", (Actor.TREASURER,)),),
)
# The PPK ends an order the vendor stopped delivering: the rest not shipped is given back, and
# what arrives of what was shipped is billed and paid as usual.
CLOSE_SHORT = OrderAction(
    name="close_short",
    sources=_statuses(S.PARTIALLY_SHIPPED, S.PARTIALLY_RECEIVED),
    # What was delivered may all be billed, or paid, already.
    targets=_statuses(S.SHIPPED, S.PARTIALLY_RECEIVED, S.RECEIVED, S.INVOICED, S.PAID),
    actors=frozenset({Actor.APPROVER}),
    label=_("Close short"),
    timeline=_("Close short"),
    forward=False,
    moves_stock=True,
    moves_budget=True,
    form=action_forms.ReasonForm,
    input=inputs.ReasonInput,
    confirm=Confirm(
        _(
            "Close order %(number)s short? What was not shipped is cancelled, its budget and "
            "stock given back, and the vendor is told. This cannot be undone."
        ),
        _("Yes, close the order short"),
    ),
    told=(("order.closed_short", (Actor.VENDOR, Actor.REQUESTER)),),
)
# A treasury transfer is paid by the treasurer; a card payment by the provider's webhook. Each
# invoice is paid on its own; the order is paid when its final invoice and every one before are.
PAY = OrderAction(
    name="pay",
    sources=BILLING,
    targets=BILLING | {S.PAID},
    actors=frozenset({Actor.TREASURER, Actor.PAYMENT_PROVIDER}),
    label=_("Pay"),
    moves_budget=True,
    work_left=WorkLeft(
        lambda order: any(invoice.paid_at is None for invoice in order.invoices.all()),
        lambda: Q(Exists(Invoice.objects.unpaid().filter(order=OuterRef("pk")))),
    ),
    form=action_forms.PayForm,
    input=inputs.PayInput,
    confirm=Confirm(
        _(
            "Record invoice %(invoice)s as paid: %(amount)s by treasury transfer to %(bank)s "
            "%(account)s in the name of %(holder)s? This cannot be undone."
        ),
        _("Yes, record the payment of %(amount)s"),
    ),
    parts=lambda order: list(order.invoices.unpaid().order_by("pk")),
    told=(("order.paid", (Actor.VENDOR, Actor.REQUESTER)),),
)
# Money given back leaves the order where it is; the ledger's realisation falls.
REFUND = OrderAction(
    name="refund",
    sources=BILLING | {S.PAID, S.CLOSED},
    targets=BILLING | {S.PAID, S.CLOSED},
    actors=frozenset({Actor.TREASURER, Actor.FINANCE}),
    label=_("Refund"),
    timeline=_("Refund"),
    forward=False,
    moves_budget=True,
    work_left=WorkLeft(
        lambda order: any(invoice.paid_at is not None for invoice in order.invoices.all()),
        lambda: Q(
            Exists(Payment.objects.filter(order=OuterRef("pk"), status=PaymentStatus.SUCCEEDED))
        ),
    ),
    form=action_forms.RefundForm,
    input=inputs.RefundInput,
    confirm=Confirm(
        _(
            "Refund the amount you entered (at most %(most)s) of this payment? A card payment "
            "is given back through the card provider at once. This cannot be undone."
        ),
        _("Yes, refund"),
    ),
    parts=lambda order: [
        payment
        for payment in order.payments.filter(status=PaymentStatus.SUCCEEDED)
        .select_related("invoice")
        .order_by("pk")
        if payment.refundable > 0
    ],
    told=(("order.refunded", (Actor.VENDOR, Actor.REQUESTER, Actor.TREASURER)),),
)

# Price negotiation on a submitted order, before the PPK approves it (orders.services.negotiation):
# the requester proposes lower unit prices, the vendor accepts, counters or declines, the requester
# accepts a counter, proposes again while rounds are left (the policy's negotiation_rounds) or
# withdraws. The order stays submitted; its pages and API have endpoints of their own
# (orders/{id}/negotiation/...), so none of these is offered as an order action.
NEGOTIATING = _statuses(S.SUBMITTED)


def _negotiation_step(**declared) -> OrderAction:
    return OrderAction(sources=NEGOTIATING, targets=NEGOTIATING, offered=False, **declared)


NEGOTIATION_PROPOSE = _negotiation_step(
    name="negotiation_propose",
    actors=frozenset({Actor.REQUESTER}),
    label=_("Negotiate price"),
    timeline=_("Lower price proposed"),
    told=(("order.negotiation_proposed", (Actor.VENDOR,)),),
)
NEGOTIATION_COUNTER = _negotiation_step(
    name="negotiation_counter",
    actors=frozenset({Actor.VENDOR}),
    label=_("Counter"),
    timeline=_("Vendor countered the price"),
    told=(("order.negotiation_countered", (Actor.REQUESTER,)),),
)
# The vendor accepts a proposal, or the requester the vendor's counter: the agreed prices
# become the order's and the commitment falls with its total.
NEGOTIATION_ACCEPT = _negotiation_step(
    name="negotiation_accept",
    actors=frozenset({Actor.REQUESTER, Actor.VENDOR}),
    label=_("Accept price"),
    timeline=_("Price agreed"),
    moves_budget=True,
    told=(("order.negotiation_agreed", (Actor.REQUESTER, Actor.VENDOR, Actor.APPROVER)),),
)
NEGOTIATION_DECLINE = _negotiation_step(
    name="negotiation_decline",
    actors=frozenset({Actor.VENDOR}),
    label=_("Keep the listed price"),
    timeline=_("Vendor kept the listed price"),
    forward=False,
    told=(("order.negotiation_declined", (Actor.REQUESTER, Actor.APPROVER)),),
)
NEGOTIATION_WITHDRAW = _negotiation_step(
    name="negotiation_withdraw",
    actors=frozenset({Actor.REQUESTER}),
    label=_("Withdraw the negotiation"),
    timeline=_("Negotiation withdrawn"),
    forward=False,
    told=(("order.negotiation_withdrawn", (Actor.VENDOR, Actor.APPROVER)),),
)
NEGOTIATION = (
    NEGOTIATION_PROPOSE,
    NEGOTIATION_COUNTER,
    NEGOTIATION_ACCEPT,
    NEGOTIATION_DECLINE,
    NEGOTIATION_WITHDRAW,
)

CLOSE = OrderAction(
    name="close",
    sources=_statuses(S.PAID),
    targets=_statuses(S.CLOSED),
    actors=frozenset({Actor.REQUESTER, Actor.APPROVER}),
    label=_("Close"),
)

ACTIONS: dict[str, OrderAction] = {
    action.name: action
    for action in (
        SUBMIT,
        APPROVE,
        REJECT,
        CANCEL,
        ACCEPT,
        DECLINE,
        EXPIRE,
        SHIP,
        RECEIVE,
        INVOICE,
        CLOSE_SHORT,
        PAY,
        REFUND,
        CLOSE,
        *NEGOTIATION,
    )
}
# The actions a person takes on the order's page and through the API, in the page's order.
OFFERED = [action for action in ACTIONS.values() if action.people_may_take_it]

# Steps of an order's timeline that are no action of their own: a card payment's progress.
EVENT_WORDS = {
    "order.card_payment_start": _("Card payment started"),
    "order.card_payment_failed": _("Card payment failed"),
    "order.card_payment_mismatch": _("Card payment does not match the invoice"),
    "order.card_payment_after_paid": _("Card payment after the invoice was paid"),
}


def timeline_label(event) -> str:
    """How an audit event of an order reads in its timeline."""
    name = event.action.removeprefix("order.")
    if name in ACTIONS and ACTIONS[name].timeline:
        return ACTIONS[name].timeline
    if event.action in EVENT_WORDS:
        return EVENT_WORDS[event.action]
    status = (event.after or {}).get("status")
    return OrderStatus(status).label if status in OrderStatus.values else event.action


def statuses_from(status: str) -> frozenset[str]:
    """The status and every status an order can reach from it."""
    reached, queue = {status}, [status]
    while queue:
        current = queue.pop()
        for action in ACTIONS.values():
            if current in action.sources:
                queue += [target for target in action.targets if target not in reached]
                reached |= action.targets
    return frozenset(reached)
