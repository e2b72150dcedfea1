"""Moving a purchase order along TRANSITIONS: each action checks who may act, changes state
under row locks in one transaction, and writes an audit event."""

import datetime
import logging
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.services import stock_release, stock_ship
from market.errors import Conflict, DomainError, InvalidInput, NotAllowed
from market.models import DepartmentRole, User
from market.permissions import has_department_role
from market.services.audit import audit_record
from orders.models import (
    TRANSITIONS,
    DeliveryReceipt,
    Invoice,
    OrderLine,
    OrderStatus,
    Payment,
    PaymentMethod,
    PurchaseOrder,
    ReceiptLine,
    Shipment,
    ShipmentLine,
)
from orders.services.numbering import next_number
from orders.spend import invoiced_amount, spend_of
from procurement.services import budget_realise, budget_release
from vendors.permissions import acts_for

logger = logging.getLogger(__name__)

WHO = {
    # The PPK named on the order, who must still hold the role in its department.
    "approver": lambda user, order: (
        user is not None
        and user.pk == order.approver_id
        and has_department_role(user, order.department_id, DepartmentRole.APPROVER)
    ),
    "requester_or_approver": lambda user, order: has_department_role(
        user, order.department_id, DepartmentRole.REQUESTER, DepartmentRole.APPROVER
    ),
    "vendor": lambda user, order: acts_for(user, order.vendor_id),
    "receiver": lambda user, order: has_department_role(
        user, order.department_id, DepartmentRole.RECEIVER
    ),
    "treasurer": lambda user, order: has_department_role(
        user, order.department_id, DepartmentRole.TREASURER
    ),
    "department": lambda user, order: has_department_role(
        user,
        order.department_id,
        DepartmentRole.REQUESTER,
        DepartmentRole.APPROVER,
        DepartmentRole.TREASURER,
    ),
    "system": lambda user, order: user is None,
}


def may(user, order: PurchaseOrder, action: str) -> bool:
    sources, who = TRANSITIONS[action]
    return order.status in sources and WHO[who](user, order)


def allowed_actions(user, order: PurchaseOrder) -> list[str]:
    """The actions this person may take on this order now (for pages and the API).

    Shipping is offered only while something is left to ship, receiving only while something
    shipped is not yet received.
    """
    lines = list(order.lines.all())
    left = {
        "ship": any(line.shipped_quantity < line.quantity for line in lines),
        "receive": any(line.received_quantity < line.shipped_quantity for line in lines),
    }
    return [
        action
        for action in TRANSITIONS
        if action != "expire" and may(user, order, action) and left.get(action, True)
    ]


def _lock(order: PurchaseOrder, action: str, by) -> PurchaseOrder:
    """Lock the order row, then check the action is allowed from its current state."""
    order = (
        PurchaseOrder.objects.select_for_update(of=("self",))
        .select_related("department", "vendor__village__district", "budget_line")
        .get(pk=order.pk)
    )
    sources, who = TRANSITIONS[action]
    if not WHO[who](by, order):
        raise NotAllowed(_("You may not do this to this order."))
    if order.status not in sources:
        raise Conflict(
            _("Order %(number)s is %(status)s; it cannot be changed this way.")
            % {"number": order.number, "status": order.get_status_display().lower()},
            code="invalid_transition",
        )
    return order


def _move(order: PurchaseOrder, action: str, by, status: str, **after) -> PurchaseOrder:
    before = order.status
    order.status = status
    order.save()
    audit_record(
        actor=by,
        action=f"order.{action}",
        target=order,
        before={"status": before},
        after={"status": status, **after},
    )
    return order


def _required_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput({"reason": [_("Give a reason.")]})
    return reason


def _release_everything(order: PurchaseOrder) -> None:
    """Refused or cancelled before shipping: the whole commitment and reservation go back."""
    lines = list(order.lines.all())
    budget_release(line=order.budget_line, spend=spend_of(order, lines))
    held = {line.product_id: line.quantity for line in lines if line.stock_held}
    if held:
        stock_release(quantities=held)


def _refuse(*, order, by, action: str, status: str, reason: str) -> PurchaseOrder:
    """Reject, cancel, decline or expire: the reservation and commitment go back."""
    with transaction.atomic():
        order = _lock(order, action, by)
        _release_everything(order)
        order.reason = reason
        return _move(order, action, by, status, reason=reason)


@transaction.atomic
def order_approve(*, order: PurchaseOrder, by: User) -> PurchaseOrder:
    order = _lock(order, "approve", by)
    order.approved_at = timezone.now()
    return _move(order, "approve", by, OrderStatus.APPROVED)


def order_reject(*, order: PurchaseOrder, by: User, reason: str) -> PurchaseOrder:
    reason = _required_reason(reason)
    return _refuse(order=order, by=by, action="reject", status=OrderStatus.REJECTED, reason=reason)


def order_cancel(*, order: PurchaseOrder, by: User, reason: str) -> PurchaseOrder:
    reason = _required_reason(reason)
    return _refuse(order=order, by=by, action="cancel", status=OrderStatus.CANCELLED, reason=reason)


def order_decline(*, order: PurchaseOrder, by: User, reason: str) -> PurchaseOrder:
    reason = _required_reason(reason)
    return _refuse(order=order, by=by, action="decline", status=OrderStatus.DECLINED, reason=reason)


def order_expire(*, order: PurchaseOrder) -> PurchaseOrder:
    """The vendor did not answer in time (Celery beat, through orders_expire_due)."""
    return _refuse(
        order=order,
        by=None,
        action="expire",
        status=OrderStatus.EXPIRED,
        reason=_("The vendor did not answer in time."),
    )


@transaction.atomic
def order_accept(*, order: PurchaseOrder, by: User) -> PurchaseOrder:
    order = _lock(order, "accept", by)
    return _move(order, "accept", by, OrderStatus.ACCEPTED)


def delivery_status(lines: list[OrderLine]) -> str:
    """Derive where delivery stands from the lines, in one place."""
    if all(line.received_quantity == line.quantity for line in lines):
        return OrderStatus.RECEIVED
    if any(line.received_quantity > 0 for line in lines):
        return OrderStatus.PARTIALLY_RECEIVED
    if all(line.shipped_quantity == line.quantity for line in lines):
        return OrderStatus.SHIPPED
    if any(line.shipped_quantity > 0 for line in lines):
        return OrderStatus.PARTIALLY_SHIPPED
    return OrderStatus.ACCEPTED


def _quantities_for(lines: list[OrderLine], quantities: dict, limit, field: str) -> dict:
    """Check {line id: quantity} against the order's lines; `limit(line)` is the most allowed."""
    by_id = {line.pk: line for line in lines}
    checked: dict[int, Decimal] = {}
    errors: list[str] = []
    for line_id, raw in quantities.items():
        line = by_id.get(int(line_id)) if str(line_id).isdigit() else None
        if line is None:
            raise InvalidInput({field: [_("A line does not belong to this order.")]})
        try:
            quantity = Decimal(str(raw))
        except ArithmeticError:
            quantity = Decimal(-1)
        if quantity.is_finite() and quantity.as_tuple().exponent < -3:
            errors.append(
                _("%(product)s: use at most three decimals.") % {"product": line.product_name}
            )
        elif not quantity.is_finite() or quantity < 0:
            errors.append(
                _("%(product)s: enter a quantity of zero or more.") % {"product": line.product_name}
            )
        elif quantity > limit(line):
            errors.append(
                _("%(product)s: at most %(most)s %(unit)s.")
                % {
                    "product": line.product_name,
                    "most": f"{limit(line).normalize():f}",
                    "unit": line.unit,
                }
            )
        elif quantity > 0:
            checked[line.pk] = quantity
    if errors:
        raise InvalidInput({field: errors})
    if not checked:
        raise InvalidInput({field: [_("Give a quantity for at least one line.")]})
    return checked


@transaction.atomic
def order_ship(*, order: PurchaseOrder, by: User, quantities: dict, note: str = "") -> Shipment:
    """The vendor sends goods, all or part; shipped goods leave its stock."""
    order = _lock(order, "ship", by)
    lines = list(order.lines.select_for_update().order_by("pk"))
    checked = _quantities_for(
        lines, quantities, lambda line: line.quantity - line.shipped_quantity, "quantities"
    )
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
    _move(
        order, "ship", by, delivery_status(lines), shipped={str(k): v for k, v in checked.items()}
    )
    return shipment


@transaction.atomic
def order_receive(
    *,
    order: PurchaseOrder,
    by: User,
    quantities: dict,
    received_on: datetime.date,
    signed_by_name: str,
) -> DeliveryReceipt:
    """The receiver records a BAST: what arrived, when, and who signed; partial allowed."""
    order = _lock(order, "receive", by)
    errors = {}
    if not (signed_by_name or "").strip():
        errors["signed_by_name"] = [_("Give the name of the person who signed.")]
    if received_on is None or received_on > timezone.localdate():
        errors["received_on"] = [_("The receipt date cannot be in the future.")]
    if errors:
        raise InvalidInput(errors)
    lines = list(order.lines.select_for_update().order_by("pk"))
    checked = _quantities_for(
        lines, quantities, lambda line: line.shipped_quantity - line.received_quantity, "quantities"
    )
    receipt = DeliveryReceipt.objects.create(
        order=order,
        number=next_number(
            kind="BAST", department=order.department, year=order.budget_line.fiscal_year.year
        ),
        received_on=received_on,
        signed_by_name=signed_by_name.strip(),
        recorded_by=by,
    )
    for line in lines:
        if line.pk in checked:
            line.received_quantity += checked[line.pk]
            line.save(update_fields=["received_quantity"])
            ReceiptLine.objects.create(receipt=receipt, line=line, quantity=checked[line.pk])
    _move(order, "receive", by, delivery_status(lines), receipt=receipt.number)
    return receipt


@transaction.atomic
def order_invoice(*, order: PurchaseOrder, by: User) -> Invoice:
    """The vendor bills what was received; what was never shipped is no longer held."""
    order = _lock(order, "invoice", by)
    lines = list(order.lines.all())
    amount = sum(invoiced_amount(line) for line in lines)
    invoice = Invoice.objects.create(
        order=order, number=f"INV/{order.number.split('/', 1)[1]}", amount=amount, issued_by=by
    )
    unshipped = {
        line.product_id: line.quantity - line.shipped_quantity
        for line in lines
        if line.stock_held and line.quantity > line.shipped_quantity
    }
    if unshipped:
        stock_release(quantities=unshipped)
    _move(order, "invoice", by, OrderStatus.INVOICED, invoice=invoice.number, amount=amount)
    return invoice


@transaction.atomic
def order_pay(
    *, order: PurchaseOrder, by: User, sp2d_number: str, sp2d_date: datetime.date
) -> Payment:
    """The treasurer pays by treasury transfer (SP2D): the commitment becomes realisation,
    and what was ordered but not received is released."""
    order = _lock(order, "pay", by)
    errors = {}
    if not (sp2d_number or "").strip():
        errors["sp2d_number"] = [_("Give the SP2D number.")]
    if sp2d_date is None or sp2d_date > timezone.localdate():
        errors["sp2d_date"] = [_("The SP2D date cannot be in the future.")]
    if errors:
        raise InvalidInput(errors)
    invoice = order.invoice
    lines = list(order.lines.all())
    budget_realise(line=order.budget_line, spend=spend_of(order, lines, invoiced_amount))
    rest = spend_of(order, lines, lambda line: line.total - invoiced_amount(line))
    if rest.total:
        budget_release(line=order.budget_line, spend=rest)
    payment = Payment.objects.create(
        order=order,
        invoice=invoice,
        method=PaymentMethod.TREASURY_TRANSFER,
        amount=invoice.amount,
        sp2d_number=sp2d_number.strip(),
        sp2d_date=sp2d_date,
        paid_by=by,
    )
    _move(order, "pay", by, OrderStatus.PAID, amount=invoice.amount, sp2d=payment.sp2d_number)
    return payment


@transaction.atomic
def order_close(*, order: PurchaseOrder, by: User) -> PurchaseOrder:
    order = _lock(order, "close", by)
    return _move(order, "close", by, OrderStatus.CLOSED)


def order_act(*, order: PurchaseOrder, action: str, by, values: dict) -> None:
    """One door for pages and the API: the action's service with the values it takes."""
    run = {
        "approve": lambda: order_approve(order=order, by=by),
        "reject": lambda: order_reject(order=order, by=by, reason=values["reason"]),
        "cancel": lambda: order_cancel(order=order, by=by, reason=values["reason"]),
        "accept": lambda: order_accept(order=order, by=by),
        "decline": lambda: order_decline(order=order, by=by, reason=values["reason"]),
        "ship": lambda: order_ship(
            order=order, by=by, quantities=values["quantities"], note=values.get("note", "")
        ),
        "receive": lambda: order_receive(
            order=order,
            by=by,
            quantities=values["quantities"],
            received_on=values["received_on"],
            signed_by_name=values["signed_by_name"],
        ),
        "invoice": lambda: order_invoice(order=order, by=by),
        "pay": lambda: order_pay(
            order=order, by=by, sp2d_number=values["sp2d_number"], sp2d_date=values["sp2d_date"]
        ),
        "close": lambda: order_close(order=order, by=by),
    }
    run[action]()


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
