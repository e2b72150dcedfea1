"""One door for pages and the API: each action of the state table and the service that takes it."""

from orders.models import PurchaseOrder
from orders.services import payments, transitions

# Each action's service; pages and the API pass the values its input form or serializer gives.
SERVICES = {
    "approve": transitions.order_approve,
    "reject": transitions.order_reject,
    "cancel": transitions.order_cancel,
    "accept": transitions.order_accept,
    "decline": transitions.order_decline,
    "ship": transitions.order_ship,
    "receive": transitions.order_receive,
    "close_short": transitions.order_close_short,
    "invoice": transitions.order_invoice,
    "pay": transitions.order_pay,
    "refund": payments.order_refund,
    "close": transitions.order_close,
}


def order_act(*, order: PurchaseOrder, action_name: str, by, values: dict):
    """The action's service with the values it takes."""
    return SERVICES[action_name](order=order, by=by, **values)
