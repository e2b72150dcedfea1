"""The field rules of the order actions' input, each written once: an action's page form and
API input check them before its service is asked, so that one answer names every field's
problem; the service checks them again under its locks, where the answer is final.

Each returns the problems as {field: [problem]} (a field made of parts, the quantities per
order line, as {"quantities": {line id: [problem]}}), and what passed where the service needs it.
"""

import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from market.bounds import (
    MAX_RUPIAH,
    NAME_LENGTH,
    NOTE_LENGTH,
    date_problem,
    format_number,
    parse_decimal,
    text_problem,
    whole_number,
)
from market.money import format_rupiah
from orders.models import (
    SP2D_LENGTH,
    Invoice,
    OrderLine,
    Payment,
    PaymentMethod,
    PaymentStatus,
    PurchaseOrder,
    Refund,
)


def reason_problems(reason) -> dict:
    """A refusal, a cancellation, closing short or a refund gives its reason."""
    if not (reason or "").strip():
        return {"reason": [_("Give a reason.")]}
    problem = text_problem(reason, most=NOTE_LENGTH)
    return {"reason": [problem]} if problem else {}


def quantities_problems(
    lines: list[OrderLine], quantities, *, limit, too_many: str
) -> tuple[dict[int, Decimal], dict]:
    """({line id: quantity} of those above zero, problems) of {line id: quantity} typed against
    the order's lines, each line's problem under its id. `limit(line)` is the most allowed;
    `too_many` says why, with %(most)s, %(unit)s and %(product)s."""
    by_id = {str(line.pk): line for line in lines}
    checked: dict[int, Decimal] = {}
    problems: dict[str, list] = {}
    for line_id, raw in (quantities or {}).items():
        line = by_id.get(str(line_id))
        if line is None:
            return {}, {"quantities": [_("A line does not belong to this order.")]}
        quantity = parse_decimal(raw)
        if not quantity.is_finite() or quantity < 0:
            problems[str(line.pk)] = [_("Enter a quantity of zero or more.")]
        elif quantity.as_tuple().exponent < -3:
            problems[str(line.pk)] = [_("Use at most three decimals.")]
        elif quantity > limit(line):
            problems[str(line.pk)] = [
                too_many
                % {
                    "most": format_number(limit(line)),
                    "unit": line.get_unit_display(),
                    "product": line.product_name,
                }
            ]
        elif quantity > 0:
            checked[line.pk] = quantity
    if problems:
        return {}, {"quantities": problems}
    if not checked:
        return {}, {"quantities": [_("Give a quantity for at least one line.")]}
    return checked, {}


def shipment_problems(
    lines: list[OrderLine], *, quantities, note
) -> tuple[dict[int, Decimal], dict]:
    """What the vendor ships now: within what is left to ship of each line, and a note."""
    checked, problems = quantities_problems(
        lines,
        quantities,
        limit=lambda line: line.due_quantity - line.shipped_quantity,
        too_many=_("Only %(most)s %(unit)s of %(product)s are left to ship."),
    )
    if problem := text_problem(note, most=NOTE_LENGTH, required=False):
        problems["note"] = [problem]
    return checked, problems


def receipt_date_window(order: PurchaseOrder) -> tuple[datetime.date, datetime.date]:
    """A BAST is dated between the first shipment and today."""
    first = order.shipments.order_by("shipped_at").values_list("shipped_at", flat=True).first()
    today = timezone.localdate()
    return (timezone.localtime(first).date() if first else today), today


def receipt_problems(
    order: PurchaseOrder,
    lines: list[OrderLine],
    *,
    quantities,
    received_on,
    signed_by_name,
    condition,
) -> tuple[dict[int, Decimal], dict]:
    """A BAST: what arrived (within what was shipped and not yet received), when, who signed
    and in what condition."""
    checked, problems = quantities_problems(
        lines,
        quantities,
        limit=lambda line: line.shipped_quantity - line.received_quantity,
        too_many=_("Only %(most)s %(unit)s of %(product)s were shipped and not yet received."),
    )
    earliest, latest = receipt_date_window(order)
    for field, problem in (
        ("signed_by_name", text_problem(signed_by_name, most=NAME_LENGTH)),
        ("condition", text_problem(condition, most=NOTE_LENGTH, required=False)),
        ("received_on", date_problem(received_on, earliest=earliest, latest=latest)),
    ):
        if problem:
            problems[field] = [problem]
    return checked, problems


def invoice_waiting(order: PurchaseOrder, invoice_id) -> tuple[Invoice | None, dict]:
    """The invoice a payment is for: the one named, or the only one waiting (None, with the
    problem, when it is not waiting or when several wait and none is named; None and no problem
    when none waits at all: that is the order's state, not the input's)."""
    waiting = list(order.invoices.unpaid().order_by("pk"))
    if not waiting:
        return None, {}
    if invoice_id not in (None, ""):
        chosen = next((i for i in waiting if str(i.pk) == str(invoice_id)), None)
        if chosen is None:
            return None, {"invoice": [_("This invoice is not waiting for payment.")]}
        return chosen, {}
    if len(waiting) != 1:
        return None, {"invoice": [_("Choose the invoice to pay.")]}
    return waiting[0], {}


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


def pay_problems(order: PurchaseOrder, values: dict) -> dict:
    """Paying one invoice: the invoice waiting, and for a treasury transfer its SP2D."""
    invoice, problems = invoice_waiting(order, values.get("invoice"))
    if values.get("method", PaymentMethod.TREASURY_TRANSFER) == PaymentMethod.CARD:
        return problems
    return problems | transfer_problems(
        order, invoice, sp2d_number=values.get("sp2d_number"), sp2d_date=values.get("sp2d_date")
    )


def transfer_problems(
    order: PurchaseOrder, invoice: Invoice | None, *, sp2d_number, sp2d_date
) -> dict:
    """A treasury transfer: its SP2D's number (one per organisation and year) and date."""
    number = (sp2d_number or "").strip()
    problems = {}
    if problem := text_problem(number, most=SP2D_LENGTH):
        problems["sp2d_number"] = [problem]
    if invoice is not None:
        earliest, latest = sp2d_date_window(invoice)
        if problem := date_problem(sp2d_date, earliest=earliest, latest=latest):
            problems["sp2d_date"] = [problem]
        elif "sp2d_number" not in problems and _sp2d_taken(order, number, sp2d_date):
            problems["sp2d_number"] = [
                _("SP2D %(number)s of %(year)s already paid another invoice.")
                % {"number": number, "year": sp2d_date.year}
            ]
    return problems


def payment_made(order: PurchaseOrder, payment_id) -> tuple[Payment | None, dict]:
    """The payment a refund gives back of: the one named, or the order's only one."""
    paid = order.payments.filter(status=PaymentStatus.SUCCEEDED).order_by("pk")
    if payment_id not in (None, ""):
        payment = paid.filter(pk=whole_number(payment_id) or 0).first()
        if payment is None:
            return None, {"payment": [_("This payment of the order was not made.")]}
        return payment, {}
    if paid.count() != 1:
        return None, {"payment": [_("Choose the payment to refund.")]}
    return paid.first(), {}


def unasked_refund(payment: Payment, rupiah: int | None) -> Refund | None:
    """A card refund of this amount recorded but never asked of Stripe (the request died between
    the two): the next request for it takes it up again, under its own key."""
    return payment.refunds.filter(
        status=Refund.Status.PENDING, provider_refund_id="", amount=rupiah or 0
    ).first()


def refund_problems(payment: Payment | None, *, amount, reason) -> tuple[int | None, dict]:
    """Money given back of a payment: whole rupiah above zero, never more than is left of it
    (a refund taken up again is already counted), and why."""
    problems = reason_problems(reason)
    rupiah = whole_number(amount)
    if rupiah is None or not 0 < rupiah <= MAX_RUPIAH:
        problems["amount"] = [_("Enter a whole number of rupiah above zero.")]
    elif payment is None or unasked_refund(payment, rupiah) is not None:
        pass
    elif rupiah > (left := payment.refundable):
        problems["amount"] = [
            _("At most %(most)s of the %(paid)s paid can still be refunded.")
            % {"most": format_rupiah(left), "paid": format_rupiah(payment.amount)}
        ]
    return rupiah, problems
