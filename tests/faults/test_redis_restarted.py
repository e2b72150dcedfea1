"""Redis stopped in the middle of the day and started again: the catalogue, a checkout and the
rest of an order up to its payment go on without it (the cache fails open, the outbox keeps the
messages), and once Redis is back the sweeper hands the messages to a real worker, which sends
each exactly once; the audit chain verifies."""

import collections
import datetime
import time

import pytest
from django.core.management import call_command
from django.utils import timezone

from market.models import OutboxMessage
from market.services.outbox import RELAY_GRACE
from orders.models import Payment, PurchaseOrder
from tests.faults.conftest import needs_services
from tests.markers import committing
from tests.orders.test_api import act, checkout, fill_cart
from tests.waiting import wait_until
from worker.outbox import outbox_sweep

pytestmark = [committing, pytest.mark.postgres, needs_services]
Status = OutboxMessage.Status


def order_to_payment(api_as, world, order: dict) -> None:
    """Approve, accept, ship, receive, invoice and pay the order through the API."""
    assert act(api_as(world.approver), order["id"], "approve").status_code == 200
    seller = api_as(world.rice_seller)
    assert act(seller, order["id"], "accept").status_code == 200
    (line,) = order["lines"]
    quantities = {str(line["id"]): line["quantity"]}
    assert act(seller, order["id"], "ship", quantities=quantities).status_code == 200
    received = act(
        api_as(world.receiver),
        order["id"],
        "receive",
        quantities=quantities,
        received_on=timezone.localdate().isoformat(),
        signed_by_name="Siti Aminah",
    )
    assert received.status_code == 200, received.json()
    assert act(seller, order["id"], "invoice").status_code == 200
    treasurer = api_as(world.treasurer)
    payment = {"sp2d_number": "00123/SP2D/LS/2026", "sp2d_date": timezone.localdate().isoformat()}
    for _twice in range(2):  # the treasurer's app sends it again, not having seen the answer
        paid = act(treasurer, order["id"], "pay", key="pay-while-redis-down", **payment)
        assert paid.status_code == 200 and paid.json()["status"] == "paid", paid.json()


def test_orders_go_on_while_redis_is_stopped_and_their_messages_go_once_when_it_is_back(
    api_as, world, private_redis, workers, whatsapp_cloud
):
    for person, phone in ((world.approver, "+6281111111111"), (world.rice_seller, "+62822222")):
        person.phone, person.phone_verified_at = phone, timezone.now()
        person.save()
    buyer = api_as(world.requester)
    private_redis.stop()

    found = buyer.get("/api/v1/products/", {"search": "bras"})  # a typo, corrected via the cache
    assert found.status_code == 200, found.content
    assert [product["name"] for product in found.json()["results"]] == ["Beras lokal"]
    fill_cart(buyer, world)
    started = time.monotonic()
    placed = checkout(buyer, world, key="checkout-while-redis-down")
    assert placed.status_code == 201, placed.json()
    # The relay tries the broker once (it waited 2 s per request before: kombu tried again).
    assert time.monotonic() - started < 2
    replayed = checkout(buyer, world, key="checkout-while-redis-down")
    assert replayed.status_code == 201 and replayed.json() == placed.json()
    rice_order = next(o for o in placed.json() if o["vendor_id"] == world.rice.vendor_id)
    order_to_payment(api_as, world, buyer.get(f"/api/v1/orders/{rice_order['id']}/").json())

    waiting = OutboxMessage.objects.all()
    assert waiting.count() >= 8  # both channels, the approver and the seller, several steps
    assert set(waiting.values_list("status", flat=True)) == {Status.PENDING}
    assert whatsapp_cloud.received == [] and workers.sent_mail() == []

    private_redis.start()
    workers.start()
    assert outbox_sweep() == 0  # the relay may still publish them: too early to publish again
    # As if the relay's grace had passed (beat runs the sweeper every minute).
    waiting.update(published_at=timezone.now() - RELAY_GRACE - datetime.timedelta(seconds=1))
    assert outbox_sweep() == waiting.count()
    assert wait_until(lambda: not waiting.exclude(status=Status.SENT).exists(), 20), list(
        waiting.values_list("pk", "status", "last_error")
    )

    references = {channel: [] for channel in ("email", "whatsapp")}
    for pk, channel in waiting.values_list("pk", "channel"):
        references[channel].append(f"pasar-outbox-{pk}")
    assert collections.Counter(workers.sent_mail()) == collections.Counter(references["email"])
    assert collections.Counter(
        request["json"]["biz_opaque_callback_data"] for request in whatsapp_cloud.received
    ) == collections.Counter(references["whatsapp"])
    assert PurchaseOrder.objects.count() == 2  # one per vendor, once
    assert Payment.objects.count() == 1
    call_command("verify_audit")
