"""How the audit page reads an order's events (market.audit_words): each step in the words of
the order's timeline, the lines' products, quantities and units named, amounts in rupiah."""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

from catalog.models import Unit
from market.bounds import format_number
from market.money import format_rupiah
from orders.models import DeliveryReceipt, OrderLine, PaymentMethod

# The names of what order events keep besides the order's own fields.
FIELDS = {
    "lines": _("Ordered"),
    "shipped": _("Shipped"),
    "cancelled": _("Cancelled"),
    "receipt": _("delivery receipt (BAST)"),
    "invoice": _("invoice"),
    "amount": _("amount"),
    "method": _("method"),
    "sp2d": _("SP2D number"),
    "refund": _("refund"),
    "payment": _("payment"),
    "attempt": _("attempt"),
    "provider_payment": _("Payment provider"),
    "received": _("received"),
    "expected": _("expected"),
    "automatically_up_to": _("Automatic approval up to"),
    "ppn_collected": _("PPN collected"),
    "income_tax": _("income tax withheld"),
    "net_to_vendor": _("net to the vendor"),
    "via": _("answered by"),
    # Price negotiation (orders.services.negotiation).
    "round": _("round"),
    "prices": _("unit prices"),
    "proposed_total": _("total at the proposed prices"),
    "countered_total": _("total at the vendor's prices"),
    "listed_total": _("listed total"),
    "agreed_total": _("agreed total"),
    "released": _("released from the budget line"),
}
# The ways an answer may come besides the pages and the API (orders.services.transitions).
WAYS = {"whatsapp": _("WhatsApp")}
AMOUNTS = frozenset(
    {
        "amount",
        "total",
        "received",
        "expected",
        "automatically_up_to",
        "ppn_collected",
        "income_tax",
        "net_to_vendor",
        "proposed_total",
        "countered_total",
        "listed_total",
        "agreed_total",
        "released",
    }
)
QUANTITIES_BY_LINE = frozenset({"shipped", "cancelled"})  # {line id: quantity}


def _quantity(quantity, unit: str, product: str) -> str:
    """'60 kg Beras lokal', the unit in the reader's language."""
    try:
        amount = format_number(Decimal(str(quantity)))
    except (InvalidOperation, ValueError):
        amount = str(quantity)
    unit_words = Unit(unit).label if unit in Unit.values else unit
    return f"{amount} {unit_words} {product}"


def _line_quantity(line: OrderLine | None, line_id, quantity) -> str:
    if line is None:  # the order's lines are never deleted; this is only a safeguard
        return f"#{line_id}: {quantity}"
    return _quantity(quantity, line.unit, line.product_name)


def _line_price(line: OrderLine | None, line_id, price) -> str:
    """'100 kg Beras lokal @ Rp13.500': a line at a negotiated unit price."""
    amount = format_rupiah(price) if isinstance(price, int) else str(price)
    if line is None:
        return f"#{line_id} @ {amount}"
    return f"{_quantity(line.quantity, line.unit, line.product_name)} @ {amount}"


def order_event_values(events: list):
    """Read what a page of order events points to at once: the orders' lines and the BASTs
    named (two or three queries), and answer how one value reads."""
    order_ids = {int(event.object_id) for event in events if event.object_id.isdigit()}
    lines = {line.pk: line for line in OrderLine.objects.filter(order_id__in=order_ids)}
    by_product = {(line.order_id, line.product_name): line for line in lines.values()}
    numbers = {
        event.after["receipt"]
        for event in events
        if isinstance(event.after, dict) and isinstance(event.after.get("receipt"), str)
    }
    receipts = (
        {
            r.number: r
            for r in DeliveryReceipt.objects.filter(number__in=numbers).prefetch_related("lines")
        }
        if numbers
        else {}
    )

    def words(event, key: str, value) -> str | None:
        if key in QUANTITIES_BY_LINE and isinstance(value, dict):
            return ", ".join(
                _line_quantity(
                    lines.get(int(line_id)) if str(line_id).isdigit() else None, line_id, quantity
                )
                for line_id, quantity in value.items()
            )
        if key == "receipt" and value in receipts:
            received = ", ".join(
                _line_quantity(lines.get(row.line_id), row.line_id, row.quantity)
                for row in receipts[value].lines.all()
            )
            return f"{value}: {received}"
        if key == "prices" and isinstance(value, dict):
            return ", ".join(
                _line_price(
                    lines.get(int(line_id)) if str(line_id).isdigit() else None, line_id, price
                )
                for line_id, price in value.items()
            )
        if key == "lines" and isinstance(value, list):
            return ", ".join(_ordered(event, item, by_product) for item in value)
        if key in AMOUNTS and isinstance(value, int) and not isinstance(value, bool):
            return format_rupiah(value)
        if key == "via" and value in WAYS:
            return str(WAYS[value])
        if key == "method" and value in PaymentMethod.values:
            return str(PaymentMethod(value).label)
        return None

    return words


def _ordered(event, item, by_product: dict) -> str:
    """A line as the order was submitted: '100 kg Beras lokal @ Rp14.500' (the unit price)."""
    if not isinstance(item, dict):
        return str(item)
    product = str(item.get("product", ""))
    line = by_product.get((int(event.object_id), product)) if event.object_id.isdigit() else None
    ordered = _quantity(item.get("quantity"), line.unit if line else "", product)
    price = item.get("unit_price")
    return f"{ordered} @ {format_rupiah(price)}" if isinstance(price, int) else ordered
