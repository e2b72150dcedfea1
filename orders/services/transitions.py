"""Moving a purchase order by the actions declared in orders.actions: each service checks who
may act before anything else, locks what it changes in the one lock order (market.locks),
checks the state, changes it in one durable transaction, and writes an audit event."""

import dataclasses
import datetime
import logging
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.services import products_lock, stock_release, stock_ship
from market.errors import Conflict, DomainError, InvalidInput, NotAllowed
from market.locks import lock_all, lock_row
from market.models import DepartmentRole, OrganisationRole, User
from market.permissions import has_department_role, roles_of
from market.services.audit import audit_record
from market.transactions import action
from orders.actions import (
    ACCEPT,
    APPROVE,
    CANCEL,
    CLOSE,
    CLOSE_SHORT,
    DECLINE,
    EXPIRE,
    INVOICE,
    OFFERED,
    RECEIVE,
    REJECT,
    SHIP,
    OrderAction,
    implements,
)
from orders.clock import due_at
from orders.models import (
    Actor,
    DeliveryReceipt,
    Invoice,
    InvoiceLine,
    NegotiationStatus,
    OrderLine,
    OrderStatus,
    PurchaseOrder,
    ReceiptLine,
    Shipment,
    ShipmentLine,
)
from orders.rules import reason_problems, receipt_problems, shipment_problems
from orders.services.notifying import order_notify
from orders.services.numbering import next_number
from orders.spend import priced, spend_of, to_bill
from orders.taxes import taxes_of_invoice
from procurement.selectors import policy_for
from procurement.services import (
    budget_lines_lock,
    budget_release,
    order_commitment,
)
from vendors.permissions import acts_for

logger = logging.getLogger(__name__)


def _in_department(role: str):
    return lambda user, order: has_department_role(user, order.department_id, role)


# How each actor of the table is recognised. Who may act never depends on the order's state,
# only on its department, vendor and named PPK, which never change: it is checked before locking.
ACTOR_CHECKS = {
    Actor.APPROVER: lambda user, order: (
        user is not None
        and user.pk == order.approver_id
        and has_department_role(user, order.department_id, DepartmentRole.APPROVER)
    ),
    Actor.REQUESTER: _in_department(DepartmentRole.REQUESTER),
    Actor.RECEIVER: _in_department(DepartmentRole.RECEIVER),
    Actor.TREASURER: _in_department(DepartmentRole.TREASURER),
    Actor.VENDOR: lambda user, order: acts_for(user, order.vendor_id),
    Actor.FINANCE: lambda user, order: (
        OrganisationRole.FINANCE in roles_of(user).organisation_roles
    ),
    Actor.SYSTEM: lambda user, order: user is None,
    # Only the provider's verified webhook calls a service without a person.
    Actor.PAYMENT_PROVIDER: lambda user, order: user is None,
}


def may_act(user, order: PurchaseOrder, action: OrderAction) -> bool:
    """Whether this person is one of the action's actors for this order (whatever its state)."""
    return any(ACTOR_CHECKS[actor](user, order) for actor in action.actors)


def allowed_actions(user, order: PurchaseOrder) -> list[OrderAction]:
    """The actions this person may take on this order now (for pages and the API).

    Each is offered only while it has something to act on (its `work_left`): something left to
    ship, to receive, to bill, an invoice to pay.
    """
    return [
        action
        for action in OFFERED
        if order.status in action.sources
        and may_act(user, order, action)
        and action.has_work_left(order)
    ]


def order_lock(pk: int) -> PurchaseOrder:
    """Lock one order (market.locks: after products and budget lines), read with what its
    services need; the joined rows are not locked."""
    return lock_row(
        PurchaseOrder.objects.select_related(
            "department__organisation", "vendor__village__district", "budget_line__fiscal_year"
        ),
        pk,
    )


def actor_check(by, order: PurchaseOrder, action: OrderAction) -> None:
    """Refuse someone who is not one of the action's actors for this order: first of all, so
    that they learn nothing of what the action's input should have been."""
    if not may_act(by, order, action):
        raise NotAllowed(_("You may not do this to this order."))


def lock_for_step(
    order: PurchaseOrder, step: OrderAction, by, *, only_the_order: bool = False
) -> PurchaseOrder:
    """Check who acts, lock what the step changes in the lock order, then check the state: the
    first thing every service of an action does, before it reads its input. A part of a step
    that changes nothing but the order's own records (a card payment's attempt) locks only the
    order."""
    actor_check(by, order, step)
    if step.moves_stock and not only_the_order:
        products_lock(
            OrderLine.objects.filter(order_id=order.pk, stock_held=True).values_list(
                "product_id", flat=True
            )
        )
    if step.moves_budget and not only_the_order:
        budget_lines_lock([order.budget_line_id])
    order = order_lock(order.pk)
    if order.status not in step.sources:
        raise Conflict(
            _("Order %(number)s is %(status)s; it cannot be changed this way.")
            % {"number": order.number, "status": order.get_status_display().lower()},
            code="invalid_transition",
        )
    return order


def record_step(
    order: PurchaseOrder,
    step: OrderAction,
    by,
    status: str,
    *,
    tell: bool = True,
    tell_also: dict | None = None,
    **after,
) -> PurchaseOrder:
    """The order reaches `status` by the step: saved, audited, and its people told (unless
    `tell` is False: a submission approved at once is news of its approval only). `tell_also`
    are facts the message names beyond the event's own (the document it carries)."""
    if status not in step.targets:
        raise AssertionError(f"{step.name} cannot lead to {status}")
    before = order.status
    order.status = status
    order.save()
    audit_record(
        actor=by,
        action=f"order.{step.name}",
        target=order,
        before={"status": before},
        after={"status": status, **after},
    )
    # A step names its own amount, reason and note where it has them (a refund's, a
    # rejection's, a shipment's).
    told = {name: after[name] for name in ("amount", "reason", "note") if name in after}
    told.update(tell_also or {})
    if tell:
        order_notify(order=order, event=step.name, by=by, **told)
    return order


def _target(step: OrderAction) -> str:
    (target,) = step.targets
    return target


def _required_reason(reason: str) -> str:
    if problems := reason_problems(reason):
        raise InvalidInput(problems)
    return reason.strip()


def _release_everything(order: PurchaseOrder) -> None:
    """Refused or cancelled before shipping: the whole commitment and reservation go back."""
    lines = list(order.lines.all())
    budget_release(line=order.budget_line, spend=spend_of(order, lines))
    held = {line.product_id: line.quantity for line in lines if line.stock_held}
    if held:
        stock_release(quantities=held)


def _refuse(*, order, by, step: OrderAction, reason: str | None, via: str = "") -> PurchaseOrder:
    """Reject, cancel, decline or expire: the reservation and commitment go back. A person
    gives a reason (read only once they may act); the system gives its own."""
    order = lock_for_step(order, step, by)
    reason = _required_reason(reason) if by is not None else reason
    _release_everything(order)
    # A negotiation still open ends with the order.
    order.negotiations.filter(status=NegotiationStatus.OPEN).update(
        status=NegotiationStatus.WITHDRAWN, closed_at=timezone.now()
    )
    order.reason = reason
    return record_step(order, step, by, _target(step), reason=reason, **_via(via))


def _via(via: str) -> dict:
    """What an event keeps of the way an answer came, when not a page or the API."""
    return {"via": via} if via else {}


@implements(APPROVE)
@action
def order_approve(*, order: PurchaseOrder, by: User | None) -> PurchaseOrder:
    """The named PPK approves; the system (`by=None`) only an order at or under the policy's
    automatic-approval amount, as placing does."""
    order = lock_for_step(order, APPROVE, by)
    if order.negotiations.filter(status=NegotiationStatus.OPEN).exists():
        # Read under the order's lock, which every negotiation step takes too.
        raise Conflict(
            _(
                "The price of order %(number)s is being negotiated; approve it once the "
                "negotiation is agreed, declined or withdrawn."
            )
            % {"number": order.number},
            code="negotiation_open",
        )
    automatically = {}
    if by is None:
        threshold = policy_for(order.budget_line.fiscal_year).approval_threshold
        if order.total > threshold:
            raise NotAllowed(_("You may not do this to this order."))
        automatically = {"automatically_up_to": threshold}
    order.approved_at = timezone.now()
    return record_step(order, APPROVE, by, _target(APPROVE), **automatically)


@implements(REJECT)
@action
def order_reject(*, order: PurchaseOrder, by: User, reason: str) -> PurchaseOrder:
    return _refuse(order=order, by=by, step=REJECT, reason=reason)


@implements(CANCEL)
@action
def order_cancel(*, order: PurchaseOrder, by: User, reason: str) -> PurchaseOrder:
    return _refuse(order=order, by=by, step=CANCEL, reason=reason)


@implements(DECLINE)
@action
def order_decline(*, order: PurchaseOrder, by: User, reason: str, via: str = "") -> PurchaseOrder:
    """The vendor declines; `via` names the way the answer came when not a page or the API
    (WhatsApp), for the timeline and the audit trail."""
    return _refuse(order=order, by=by, step=DECLINE, reason=reason, via=via)


@implements(EXPIRE)
@action
def order_expire(*, order: PurchaseOrder) -> PurchaseOrder:
    """The vendor did not answer in time (Celery beat, through orders_expire_due)."""
    return _refuse(
        order=order, by=None, step=EXPIRE, reason=_("The vendor did not answer in time.")
    )


@implements(ACCEPT)
@action
def order_accept(*, order: PurchaseOrder, by: User, via: str = "") -> PurchaseOrder:
    """The vendor accepts (`via`: as order_decline); every member of the vendor, the one who
    accepted included, receives the surat pesanan."""
    order = lock_for_step(order, ACCEPT, by)
    record_step(order, ACCEPT, by, _target(ACCEPT), **_via(via))
    order_notify(order=order, event="purchase_order", by=None, document="purchase-order")
    return order


def delivery_status(lines: list[OrderLine]) -> str:
    """Derive where delivery stands from the lines, in one place (what was cancelled when the
    order was closed short is no longer due)."""
    if all(line.received_quantity == line.due_quantity for line in lines):
        return OrderStatus.RECEIVED
    if any(line.received_quantity > 0 for line in lines):
        return OrderStatus.PARTIALLY_RECEIVED
    if all(line.shipped_quantity == line.due_quantity for line in lines):
        return OrderStatus.SHIPPED
    if any(line.shipped_quantity > 0 for line in lines):
        return OrderStatus.PARTIALLY_SHIPPED
    return OrderStatus.ACCEPTED


def order_status(lines: list[OrderLine], invoices: list[Invoice]) -> str:
    """Where the order stands, derived from its lines and invoices in one place: while goods are
    still due, where delivery stands (invoices of what arrived so far wait beside it); once
    everything due has been received (or a final invoice was issued), whether it is all billed
    and all paid."""
    complete = all(line.received_quantity == line.due_quantity for line in lines)
    if not (complete or any(invoice.final for invoice in invoices)):
        return delivery_status(lines)
    if any(line.invoiced_quantity < line.received_quantity for line in lines):
        return OrderStatus.RECEIVED
    if invoices and all(invoice.paid_at is not None for invoice in invoices):
        return OrderStatus.PAID
    return OrderStatus.INVOICED


@implements(SHIP)
@action
def order_ship(*, order: PurchaseOrder, by: User, quantities: dict, note: str = "") -> Shipment:
    """The vendor sends goods, all or part; shipped goods leave its stock."""
    order = lock_for_step(order, SHIP, by)
    lines = lock_all(order.lines.all())
    checked, problems = shipment_problems(lines, quantities=quantities, note=note)
    if problems:
        raise InvalidInput(problems)
    shipment = Shipment.objects.create(order=order, shipped_by=by, note=(note or "").strip())
    shipped_products: dict[int, Decimal] = {}
    for line in lines:
        if line.pk in checked:
            line.shipped_quantity += checked[line.pk]
            line.save(update_fields=["shipped_quantity"])
            ShipmentLine.objects.create(shipment=shipment, line=line, quantity=checked[line.pk])
            if line.stock_held:
                shipped_products[line.product_id] = checked[line.pk]
    if shipped_products:
        stock_ship(quantities=shipped_products)
    record_step(
        order,
        SHIP,
        by,
        delivery_status(lines),
        shipped={str(k): v for k, v in checked.items()},
        note=shipment.note,
    )
    return shipment


@implements(RECEIVE)
@action
def order_receive(
    *,
    order: PurchaseOrder,
    by: User,
    quantities: dict,
    received_on: datetime.date | None,
    signed_by_name: str,
    condition: str = "",
) -> DeliveryReceipt:
    """The receiver records a BAST: what arrived, when, in what condition, and who signed;
    partial allowed. Every problem of every field is reported at once."""
    order = lock_for_step(order, RECEIVE, by)
    lines = lock_all(order.lines.all())
    checked, problems = receipt_problems(
        order,
        lines,
        quantities=quantities,
        received_on=received_on,
        signed_by_name=signed_by_name,
        condition=condition,
    )
    if problems:
        raise InvalidInput(problems)
    receipt = DeliveryReceipt.objects.create(
        order=order,
        number=next_number(
            kind="BAST", department=order.department, year=order.budget_line.fiscal_year.year
        ),
        received_on=received_on,
        signed_by_name=signed_by_name.strip(),
        condition=(condition or "").strip(),
        recorded_by=by,
    )
    for line in lines:
        if line.pk in checked:
            line.received_quantity += checked[line.pk]
            line.save(update_fields=["received_quantity"])
            ReceiptLine.objects.create(receipt=receipt, line=line, quantity=checked[line.pk])
    record_step(
        order,
        RECEIVE,
        by,
        delivery_status(lines),
        receipt=receipt.number,
        tell_also={"document": f"bast-{receipt.pk}"},
    )
    return receipt


def invoice_number(order: PurchaseOrder, termin: int) -> str:
    """INV/<the order's number without SP>, and -2, -3… for the second and later termins."""
    number = f"INV/{order.number.split('/', 1)[1]}"
    return number if termin == 1 else f"{number}-{termin}"


@implements(INVOICE)
@action
def order_invoice(*, order: PurchaseOrder, by: User) -> Invoice:
    """The vendor bills what was received and not yet billed (the BASTs since its last invoice);
    the rest of the order can still be shipped and billed later. Billing the last of it, when
    everything due has been received, is the final invoice."""
    order = lock_for_step(order, INVOICE, by)
    lines = lock_all(order.lines.all())
    billed = to_bill(lines)
    amount = sum(line_amount for _quantity, line_amount in billed.values())
    if amount <= 0:
        raise DomainError(
            _("What was received is worth less than one rupiah; there is nothing to bill yet."),
            code="nothing_to_bill",
        )
    vendor = order.vendor
    now = timezone.now()
    days = policy_for(order.budget_line.fiscal_year).payment_due_days
    invoice = Invoice.objects.create(
        order=order,
        due_at=due_at(now, days),
        number=invoice_number(order, order.invoices.count() + 1),
        amount=amount,
        final=all(line.received_quantity == line.due_quantity for line in lines),
        bank_name=vendor.bank_name,
        bank_account_number=vendor.bank_account_number,
        bank_account_holder=vendor.bank_account_holder,
        issued_by=by,
    )
    for line in lines:
        if line.pk in billed:
            quantity, line_amount = billed[line.pk]
            InvoiceLine.objects.create(
                invoice=invoice, line=line, quantity=quantity, amount=line_amount
            )
            line.invoiced_quantity += quantity
            line.save(update_fields=["invoiced_quantity"])
    # What the vendor can expect, paid by treasury transfer today; its payment keeps what was
    # collected in the end.
    invoice.keep_taxes(taxes_of_invoice(invoice))
    invoice.save(update_fields=Invoice.TAX_FIELDS)
    receipts = order.receipts.filter(invoice__isnull=True).order_by("pk")
    numbers = list(receipts.values_list("number", flat=True))
    receipts.update(invoice=invoice)
    record_step(
        order,
        INVOICE,
        by,
        order_status(lines, list(order.invoices.all())),
        invoice=invoice.number,
        amount=amount,
        receipts=numbers,
        final=invoice.final,
        net_to_vendor=invoice.net_to_vendor,
    )
    return invoice


def release_what_is_left(order: PurchaseOrder) -> None:
    """The order is settled: what is still committed for it (never delivered, or a rupiah of
    rounding) goes back to the budget line."""
    rest = order_commitment(line=order.budget_line, order_id=order.pk)
    if rest:
        budget_release(
            line=order.budget_line,
            spend=dataclasses.replace(
                spend_of(order, []),
                amounts_by_category={path.strip("/"): amount for path, amount in rest.items()},
            ),
        )


@implements(CLOSE_SHORT)
@action
def order_close_short(*, order: PurchaseOrder, by: User, reason: str) -> PurchaseOrder:
    """The PPK closes an order the vendor stopped delivering: the rest not shipped is cancelled,
    its reservation and commitment given back; what was shipped is received, billed and paid
    as usual."""
    order = lock_for_step(order, CLOSE_SHORT, by)
    reason = _required_reason(reason)
    lines = lock_all(order.lines.all())
    released = spend_of(
        order,
        lines,
        lambda line: line.total - priced(line, line.shipped_quantity),
    )
    unshipped = {}
    for line in lines:
        line.cancelled_quantity = line.quantity - line.shipped_quantity
        line.save(update_fields=["cancelled_quantity"])
        if line.stock_held and line.cancelled_quantity:
            unshipped[line.product_id] = line.cancelled_quantity
    if unshipped:
        stock_release(quantities=unshipped)
    if released.total:
        budget_release(line=order.budget_line, spend=released)
    status = order_status(lines, list(order.invoices.all()))
    if status == OrderStatus.PAID:  # everything delivered was billed and paid already
        release_what_is_left(order)
    order.reason = reason
    return record_step(
        order,
        CLOSE_SHORT,
        by,
        status,
        reason=reason,
        amount=released.total,
        cancelled={
            str(line.pk): line.cancelled_quantity for line in lines if line.cancelled_quantity
        },
    )


@implements(CLOSE)
@action
def order_close(*, order: PurchaseOrder, by: User) -> PurchaseOrder:
    order = lock_for_step(order, CLOSE, by)
    return record_step(order, CLOSE, by, _target(CLOSE))


def orders_expire_due(*, now: datetime.datetime | None = None) -> list[str]:
    """Expire approved orders whose vendor has not answered within the policy's working days.

    Each order in its own transaction, checked again under its lock; safe to run twice.
    """
    from orders.selectors import orders_past_response_deadline

    expired = []
    for order in orders_past_response_deadline(now=now or timezone.now()):
        try:
            expired.append(order_expire(order=order).number)
        except Conflict:
            continue  # answered meanwhile
        except DomainError:  # one order's problem must not stop the sweep
            logger.exception("Order %s could not be expired", order.pk)
    return expired
