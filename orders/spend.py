"""How an order's money is told to procurement's spend ledger."""

from collections import defaultdict
from collections.abc import Iterable

from market.money import round_rupiah
from orders.models import OrderLine, PurchaseOrder
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


def invoiced_amount(line: OrderLine) -> int:
    """What a line costs for what was received: rounded half-up once, like its total."""
    return round_rupiah(line.received_quantity * line.unit_price)
