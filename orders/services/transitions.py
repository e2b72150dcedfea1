"""Moving a purchase order along TRANSITIONS (orders.models): each action checks who may act,
locks what it changes in the one lock order (market.locks), checks the state, changes it in one
durable transaction, and writes an audit event."""

import dataclasses
import datetime
import logging
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.services import products_lock, stock_release, stock_ship
from market.bounds import (
    NAME_LENGTH,
    NOTE_LENGTH,
    date_problem,
    format_number,
    parse_decimal,
    text_problem,
)
from market.errors import Conflict, DomainError, InvalidInput, NotAllowed
from market.locks import lock_all, lock_row
from market.models import DepartmentRole, OrganisationRole, User
from market.permissions import has_department_role, roles_of
from market.services.audit import audit_record
from market.transactions import action
from orders.models import (
    PEOPLE_ACTIONS,
    SP2D_LENGTH,
    TRANSITIONS,
    WORK_LEFT,
    Actor,
    DeliveryReceipt,
    Invoice,
    InvoiceLine,
    OrderLine,
    OrderStatus,
    Payment,
    PaymentMethod,
    PaymentStatus,
    PurchaseOrder,
    ReceiptLine,
    Shipment,
    ShipmentLine,
)
from orders.services.notifying import order_notify
from orders.services.numbering import next_number
from orders.spend import priced, spend_of, spend_of_invoice, to_bill
from procurement.selectors import policy_for
from procurement.services import (
    budget_lines_lock,
    budget_realise,
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


def may_act(user, order: PurchaseOrder, action_name: str) -> bool:
    """Whether this person is one of the action's actors for this order (whatever its state)."""
    return any(ACTOR_CHECKS[actor](user, order) for actor in TRANSITIONS[action_name].actors)


def allowed_actions(user, order: PurchaseOrder) -> list[str]:
    """The actions this person may take on this order now (for pages and the API).

    Each step is offered only while it has something to act on (orders.models.WORK_LEFT):
    something left to ship, to receive, to bill, an invoice to pay.
    """
    return [
        name
        for name in PEOPLE_ACTIONS
        if order.status in TRANSITIONS[name].sources
        and may_act(user, order, name)
        and (name not in WORK_LEFT or WORK_LEFT[name].on_order(order))
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


def actor_check(by, order: PurchaseOrder, action_name: str) -> None:
    """Refuse someone who is not one of the action's actors for this order: first of all, so
    that they learn nothing of what the action's input should have been."""
    if not may_act(by, order, action_name):
        raise NotAllowed(_("You may not do this to this order."))


def lock_for_step(order: PurchaseOrder, action_name: str, by) -> PurchaseOrder:
    """Check who acts, lock what the step changes in the lock order, then check the state."""
    step = TRANSITIONS[action_name]
    actor_check(by, order, action_name)
    if step.moves_stock:
        products_lock(
            OrderLine.objects.filter(order_id=order.pk, stock_held=True).values_list(
                "product_id", flat=True
            )
        )
    if step.moves_budget:
        budget_lines_lock([order.budget_line_id])
    order = order_lock(order.pk)
    if order.status not in step.sources:
        raise Conflict(
            _("Order %(number)s is %(status)s; it cannot be changed this way.")
            % {"number": order.number, "status": order.get_status_display().lower()},
            code="invalid_transition",
        )
    return order


def record_step(order: PurchaseOrder, action_name: str, by, status: str, **after) -> PurchaseOrder:
    """The order reaches `status` by the step: saved, audited, and its people told."""
    if status not in TRANSITIONS[action_name].targets:
        raise AssertionError(f"{action_name} cannot lead to {status}")
    before = order.status
    order.status = status
    order.save()
    audit_record(
        actor=by,
        action=f"order.{action_name}",
        target=order,
        before={"status": before},
        after={"status": status, **after},
    )
    # A step names its own amount, reason and note where it has them (a refund's, a
    # rejection's, a shipment's).
    told = {name: after[name] for name in ("amount", "reason", "note") if name in after}
    order_notify(order=order, event=action_name, by=by, **told)
    return order


def _target(action_name: str) -> str:
    (target,) = TRANSITIONS[action_name].targets
    return target


def _required_reason(reason: str) -> str:
    if not (reason or "").strip():
        raise InvalidInput({"reason": [_("Give a reason.")]})
    problem = text_problem(reason, most=NOTE_LENGTH)
    if problem:
        raise InvalidInput({"reason": [problem]})
    return reason.strip()


def _release_everything(order: PurchaseOrder) -> None:
    """Refused or cancelled before shipping: the whole commitment and reservation go back."""
    lines = list(order.lines.all())
    budget_release(line=order.budget_line, spend=spend_of(order, lines))
    held = {line.product_id: line.quantity for line in lines if line.stock_held}
    if held:
        stock_release(quantities=held)


def _refuse(*, order, by, action_name: str, reason: str) -> PurchaseOrder:
    """Reject, cancel, decline or expire: the reservation and commitment go back."""
    order = lock_for_step(order, action_name, by)
    _release_everything(order)
    order.reason = reason
    return record_step(order, action_name, by, _target(action_name), reason=reason)


@action
def order_approve(*, order: PurchaseOrder, by: User | None) -> PurchaseOrder:
    """The named PPK approves; the system (`by=None`) only an order at or under the policy's
    automatic-approval amount, as placing does."""
    order = lock_for_step(order, "approve", by)
    automatically = {}
    if by is None:
        threshold = policy_for(order.budget_line.fiscal_year).approval_threshold
        if order.total > threshold:
            raise NotAllowed(_("You may not do this to this order."))
        automatically = {"automatically_up_to": threshold}
    order.approved_at = timezone.now()
    return record_step(order, "approve", by, _target("approve"), **automatically)


@action
def order_reject(*, order: PurchaseOrder, by: User, reason: str) -> PurchaseOrder:
    return _refuse(order=order, by=by, action_name="reject", reason=_required_reason(reason))


@action
def order_cancel(*, order: PurchaseOrder, by: User, reason: str) -> PurchaseOrder:
    return _refuse(order=order, by=by, action_name="cancel", reason=_required_reason(reason))


@action
def order_decline(*, order: PurchaseOrder, by: User, reason: str) -> PurchaseOrder:
    return _refuse(order=order, by=by, action_name="decline", reason=_required_reason(reason))


@action
def order_expire(*, order: PurchaseOrder) -> PurchaseOrder:
    """The vendor did not answer in time (Celery beat, through orders_expire_due)."""
    return _refuse(
        order=order,
        by=None,
        action_name="expire",
        reason=_("The vendor did not answer in time."),
    )


@action
def order_accept(*, order: PurchaseOrder, by: User) -> PurchaseOrder:
    order = lock_for_step(order, "accept", by)
    return record_step(order, "accept", by, _target("accept"))


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


def _quantities_for(
    lines: list[OrderLine], quantities: dict, *, limit, too_many: str
) -> dict[int, Decimal]:
    """Check {line id: quantity} against the order's lines, each line's problem under its id.

    `limit(line)` is the most allowed; `too_many` says why, with %(most)s, %(unit)s and
    %(product)s.
    """
    by_id = {str(line.pk): line for line in lines}
    checked: dict[int, Decimal] = {}
    errors: dict[str, list] = {}
    for line_id, raw in (quantities or {}).items():
        line = by_id.get(str(line_id))
        if line is None:
            raise InvalidInput({"quantities": [_("A line does not belong to this order.")]})
        quantity = parse_decimal(raw)
        if not quantity.is_finite() or quantity < 0:
            problem = _("Enter a quantity of zero or more.")
        elif quantity.as_tuple().exponent < -3:
            problem = _("Use at most three decimals.")
        elif quantity > limit(line):
            problem = too_many % {
                "most": format_number(limit(line)),
                "unit": line.get_unit_display(),
                "product": line.product_name,
            }
        else:
            problem = None
            if quantity > 0:
                checked[line.pk] = quantity
        if problem:
            errors[str(line.pk)] = [problem]
    if errors:
        raise InvalidInput({"quantities": errors})
    if not checked:
        raise InvalidInput({"quantities": [_("Give a quantity for at least one line.")]})
    return checked


@action
def order_ship(*, order: PurchaseOrder, by: User, quantities: dict, note: str = "") -> Shipment:
    """The vendor sends goods, all or part; shipped goods leave its stock."""
    order = lock_for_step(order, "ship", by)
    lines = lock_all(order.lines.all())
    problem = text_problem(note, most=NOTE_LENGTH, required=False)
    if problem:
        raise InvalidInput({"note": [problem]})
    checked = _quantities_for(
        lines,
        quantities,
        limit=lambda line: line.due_quantity - line.shipped_quantity,
        too_many=_("Only %(most)s %(unit)s of %(product)s are left to ship."),
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
    record_step(
        order,
        "ship",
        by,
        delivery_status(lines),
        shipped={str(k): v for k, v in checked.items()},
        note=shipment.note,
    )
    return shipment


def receipt_date_window(order: PurchaseOrder) -> tuple[datetime.date, datetime.date]:
    """A BAST is dated between the first shipment and today."""
    first = order.shipments.order_by("shipped_at").values_list("shipped_at", flat=True).first()
    today = timezone.localdate()
    return (timezone.localtime(first).date() if first else today), today


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
    order = lock_for_step(order, "receive", by)
    lines = lock_all(order.lines.all())
    errors: dict = {}
    earliest, latest = receipt_date_window(order)
    for field, problem in (
        ("signed_by_name", text_problem(signed_by_name, most=NAME_LENGTH)),
        ("condition", text_problem(condition, most=NOTE_LENGTH, required=False)),
        ("received_on", date_problem(received_on, earliest=earliest, latest=latest)),
    ):
        if problem:
            errors[field] = [problem]
    try:
        checked = _quantities_for(
            lines,
            quantities,
            limit=lambda line: line.shipped_quantity - line.received_quantity,
            too_many=_("Only %(most)s %(unit)s of %(product)s were shipped and not yet received."),
        )
    except InvalidInput as invalid:
        errors.update(invalid.fields)
    if errors:
        raise InvalidInput(errors)
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
    record_step(order, "receive", by, delivery_status(lines), receipt=receipt.number)
    return receipt


def invoice_number(order: PurchaseOrder, termin: int) -> str:
    """INV/<the order's number without SP>, and -2, -3… for the second and later termins."""
    number = f"INV/{order.number.split('/', 1)[1]}"
    return number if termin == 1 else f"{number}-{termin}"


@action
def order_invoice(*, order: PurchaseOrder, by: User) -> Invoice:
    """The vendor bills what was received and not yet billed (the BASTs since its last invoice);
    the rest of the order can still be shipped and billed later. Billing the last of it, when
    everything due has been received, is the final invoice."""
    order = lock_for_step(order, "invoice", by)
    lines = lock_all(order.lines.all())
    billed = to_bill(lines)
    amount = sum(line_amount for _quantity, line_amount in billed.values())
    if amount <= 0:
        raise DomainError(
            _("What was received is worth less than one rupiah; there is nothing to bill yet."),
            code="nothing_to_bill",
        )
    vendor = order.vendor
    invoice = Invoice.objects.create(
        order=order,
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
    receipts = order.receipts.filter(invoice__isnull=True).order_by("pk")
    numbers = list(receipts.values_list("number", flat=True))
    receipts.update(invoice=invoice)
    record_step(
        order,
        "invoice",
        by,
        order_status(lines, list(order.invoices.all())),
        invoice=invoice.number,
        amount=amount,
        receipts=numbers,
        final=invoice.final,
    )
    return invoice


def unpaid_invoice(order: PurchaseOrder, invoice_id=None) -> Invoice:
    """The invoice of the order to pay: the one named, or the only one waiting; a field error
    when it is not waiting, or when several wait and none is named."""
    waiting = list(order.invoices.unpaid().order_by("pk"))
    if not waiting:
        raise Conflict(
            _("No invoice of order %(number)s is waiting for payment.") % {"number": order.number},
            code="nothing_to_pay",
        )
    if invoice_id not in (None, ""):
        chosen = next((i for i in waiting if str(i.pk) == str(invoice_id)), None)
        if chosen is None:
            raise InvalidInput({"invoice": [_("This invoice is not waiting for payment.")]})
        return chosen
    if len(waiting) != 1:
        raise InvalidInput({"invoice": [_("Choose the invoice to pay.")]})
    return waiting[0]


def sp2d_date_window(invoice: Invoice) -> tuple[datetime.date, datetime.date]:
    """An SP2D pays an invoice already issued: dated between the invoice and today."""
    return timezone.localtime(invoice.issued_at).date(), timezone.localdate()


def _sp2d_taken(order: PurchaseOrder, number: str, on: datetime.date) -> bool:
    return Payment.objects.filter(
        organisation_id=order.department.organisation_id,
        method=PaymentMethod.TREASURY_TRANSFER,
        sp2d_number=number,
        sp2d_date__year=on.year,
    ).exists()


@action
def order_pay(
    *,
    order: PurchaseOrder,
    by: User,
    sp2d_number: str,
    sp2d_date: datetime.date | None,
    invoice: int | None = None,
) -> Payment:
    """The treasurer pays one invoice by treasury transfer (SP2D), recorded paid at once."""
    order = lock_for_step(order, "pay", by)
    number = (sp2d_number or "").strip()
    errors = {}
    try:
        billed = unpaid_invoice(order, invoice)
    except InvalidInput as invalid:  # reported with the other fields' problems
        errors.update(invalid.fields)
        billed = None
    problem = text_problem(number, most=SP2D_LENGTH)
    if problem:
        errors["sp2d_number"] = [problem]
    if billed is not None:
        earliest, latest = sp2d_date_window(billed)
        problem = date_problem(sp2d_date, earliest=earliest, latest=latest)
        if problem:
            errors["sp2d_date"] = [problem]
        elif "sp2d_number" not in errors and _sp2d_taken(order, number, sp2d_date):
            errors["sp2d_number"] = [
                _("SP2D %(number)s of %(year)s already paid another invoice.")
                % {"number": number, "year": sp2d_date.year}
            ]
    if errors:
        raise InvalidInput(errors)
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


def next_attempt(invoice: Invoice) -> int:
    last = invoice.payments.aggregate(last=Max("attempt"))["last"]
    return (last or 0) + 1


def _release_what_is_left(order: PurchaseOrder) -> None:
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


def order_mark_paid(*, order: PurchaseOrder, payment: Payment, by: User | None) -> Payment:
    """The one way an invoice becomes paid, whichever way the money came (the SP2D form, the
    card provider's webhook), inside the caller's action with the order locked: what it bills
    becomes realisation, the attempt is recorded succeeded, and when every invoice of a fully
    billed order is paid the order is paid and what is still committed is released."""
    invoice = payment.invoice
    budget_realise(line=order.budget_line, spend=spend_of_invoice(order, invoice))
    payment.status, payment.paid_at = PaymentStatus.SUCCEEDED, timezone.now()
    payment.failure_message = ""
    payment.save(update_fields=["status", "paid_at", "failure_message"])
    status = order_status(list(order.lines.all()), list(order.invoices.all()))
    if status == OrderStatus.PAID:
        _release_what_is_left(order)
    reference = {"sp2d": payment.sp2d_number} if payment.sp2d_number else {}
    if payment.provider_payment_id:
        reference = {"provider_payment": payment.provider_payment_id}
    record_step(
        order,
        "pay",
        by,
        status,
        amount=payment.amount,
        method=payment.method,
        invoice=invoice.number,
        **reference,
    )
    return payment


@action
def order_close_short(*, order: PurchaseOrder, by: User, reason: str) -> PurchaseOrder:
    """The PPK closes an order the vendor stopped delivering: the rest not shipped is cancelled,
    its reservation and commitment given back; what was shipped is received, billed and paid
    as usual."""
    reason = _required_reason(reason)
    order = lock_for_step(order, "close_short", by)
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
        _release_what_is_left(order)
    order.reason = reason
    return record_step(
        order,
        "close_short",
        by,
        status,
        reason=reason,
        amount=released.total,
        cancelled={
            str(line.pk): line.cancelled_quantity for line in lines if line.cancelled_quantity
        },
    )


@action
def order_close(*, order: PurchaseOrder, by: User) -> PurchaseOrder:
    order = lock_for_step(order, "close", by)
    return record_step(order, "close", by, _target("close"))


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
