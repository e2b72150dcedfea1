"""How an order's money is told to procurement's spend ledger."""

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from market.money import round_rupiah
from orders.models import Invoice, OrderLine, PurchaseOrder
from procurement.services import Spend


def spend_of(order: PurchaseOrder, lines: Iterable[OrderLine], amount_of=None) -> Spend:
    """The order's amounts by category path; `amount_of(line)` picks a part (default: totals)."""
    amounts: dict[str, int] = defaultdict(int)
    for line in lines:
        amounts[line.category_path] += line.total if amount_of is None else amount_of(line)
    return Spend(
        order_id=order.pk,
        order_number=order.number,
        vendor=order.vendor,
        amounts_by_category=dict(amounts),
    )


def priced(line: OrderLine, quantity: Decimal) -> int:
    """What `quantity` of a line costs, rounded half-up once, as its total is."""
    return round_rupiah(quantity * line.unit_price)


def billed_now(line: OrderLine, quantity: Decimal) -> int:
    """What billing `quantity` more of a line adds: the line priced up to its new billed quantity
    less as priced before, so that however many invoices bill a line, together they bill it
    priced once (and all of it, its total)."""
    return priced(line, line.invoiced_quantity + quantity) - priced(line, line.invoiced_quantity)


def spend_of_invoice(order: PurchaseOrder, invoice: Invoice) -> Spend:
    """An invoice's amounts by category path, for its payment's realisation."""
    amounts: dict[str, int] = defaultdict(int)
    for invoice_line in invoice.lines.select_related("line"):
        amounts[invoice_line.line.category_path] += invoice_line.amount
    return Spend(
        order_id=order.pk,
        order_number=order.number,
        vendor=order.vendor,
        amounts_by_category=dict(amounts),
        billed_at=invoice.issued_at,
    )


def to_bill(lines: list[OrderLine]) -> dict[int, tuple[Decimal, int]]:
    """{line id: (quantity, amount)} received and not yet billed: what an invoice now bills."""
    return {
        line.pk: (quantity, billed_now(line, quantity))
        for line in lines
        if (quantity := line.received_quantity - line.invoiced_quantity) > 0
    }
