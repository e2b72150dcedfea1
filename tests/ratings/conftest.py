"""Orders whose goods are all received (the final BAST), ready to be rated."""

import pytest
from django.utils import timezone

from orders.services import transitions
from ratings.services import rating_give


def delivered(world, product=None, *, kilograms="50", receive=True):
    """An order of `product` (the world's rice) approved, accepted, shipped in full and, with
    `receive`, received in full."""
    product = product or world.rice
    seller = world.rice_seller if product.vendor_id == world.rice.vendor_id else world.besek_seller
    (order,) = world.order((product, kilograms))
    transitions.order_approve(order=order, by=world.approver)
    transitions.order_accept(order=order, by=seller)
    line = order.lines.get()
    transitions.order_ship(order=order, by=seller, quantities={line.pk: kilograms})
    if receive:
        transitions.order_receive(
            order=order,
            by=world.receiver,
            quantities={line.pk: kilograms},
            received_on=timezone.localdate(),
            signed_by_name="Siti",
        )
    order.refresh_from_db()
    return order


def rate(world, order, scores=(5, 4, 3), comment="", by=None):
    timeliness, quality, fit = scores
    return rating_give(
        order=order,
        by=by or world.receiver,
        timeliness=timeliness,
        quality=quality,
        fit=fit,
        comment=comment,
    )


@pytest.fixture
def received(world):
    return delivered(world)
