"""The outbox with real Redis and a real Celery worker (celery.contrib.testing.worker).

Each test makes Celery apps of its own (the tasks are shared, so they follow the current app):
one pointed at a closed port while "the broker is down", one at Redis with a worker on a queue
of this test process's own.
"""

import contextlib
import datetime
import socket
import time

import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.utils import timezone

from market.models import OutboxMessage
from orders.models import PurchaseOrder
from pasar import celery as project_celery
from tests.environment import POSTGRES_UP, REDIS_UP, WORKER
from tests.markers import committing
from tests.orders.test_api import checkout, fill_cart
from tests.waiting import wait_until
from worker.cloud_api_fake import body_texts
from worker.outbox import outbox_sweep, publish

pytestmark = [
    committing,
    pytest.mark.postgres,
    pytest.mark.skipif(
        not (POSTGRES_UP and REDIS_UP), reason="needs PostgreSQL and Redis on localhost"
    ),
]

REDIS = "redis://127.0.0.1:6379/14"
QUEUE = f"pasar-test-outbox-{WORKER}"
Status = OutboxMessage.Status


def closed_port() -> int:
    """A loopback port nobody listens on: connecting is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def celery_app(broker_url: str, **more):
    """A Celery app configured as the project's, on `broker_url` (and `more` of Celery's
    settings), current while the block runs."""
    app = Celery("pasar-test")
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(
        broker_url=broker_url,
        task_always_eager=False,
        task_default_queue=QUEUE,
        broker_connection_timeout=1,
        broker_connection_retry_on_startup=False,
        **more,
    )
    app.set_current()
    try:
        yield app
    finally:
        app.close()
        project_celery.app.set_current()


@contextlib.contextmanager
def running_worker():
    with celery_app(REDIS) as app:
        with app.connection_for_write() as connection:
            connection.default_channel.queue_purge(QUEUE)
        with start_worker(app, pool="solo", perform_ping_check=False, queues=[QUEUE]):
            yield app


def time_passes(**delta):
    """Move every message's times back, as if `delta` had passed (the worker reads the clock)."""
    delta = datetime.timedelta(**delta)
    for message in OutboxMessage.objects.all():
        for name in ("next_attempt_at", "published_at", "created_at", "lease_until"):
            if getattr(message, name):
                setattr(message, name, getattr(message, name) - delta)
        message.save()


@pytest.fixture
def reachable_people(world, whatsapp_cloud):
    """The approver reads Indonesian with e-mail and WhatsApp; the rice seller too."""
    for person, phone in (
        (world.approver, "+6281111111111"),
        (world.rice_seller, "+6282222222222"),
    ):
        person.phone, person.phone_verified_at = phone, timezone.now()
        person.save()
    return world


def test_an_order_placed_while_the_broker_is_down_waits_in_the_outbox_then_goes_once(
    api_as, reachable_people, whatsapp_cloud
):
    world = reachable_people
    buyer = api_as(world.requester)
    fill_cart(buyer, world)
    with celery_app(f"redis://127.0.0.1:{closed_port()}/0"):
        started = time.monotonic()
        placed = checkout(buyer, world)
        took = time.monotonic() - started
    assert placed.status_code == 201, placed.json()
    assert took < 10  # the relay gives up at once on a refused connection
    numbers = {order["number"] for order in placed.json()}
    waiting = OutboxMessage.objects.select_related("notification")
    assert waiting.count() == 4  # the approver told of two orders, by e-mail and WhatsApp
    assert set(waiting.values_list("status", flat=True)) == {Status.PENDING}
    assert mail.outbox == [] and whatsapp_cloud.received == []

    with running_worker():
        assert outbox_sweep() == 0  # the relay may still be at it: too early to publish again
        time_passes(minutes=3)
        assert outbox_sweep() == 4
        assert wait_until(lambda: not waiting.exclude(status=Status.SENT).exists())
    assert sorted(message.to for message in mail.outbox) == [[world.approver.email]] * 2
    assert {message.subject for message in mail.outbox} == {
        f"Pesanan {number} menunggu persetujuan Anda" for number in numbers
    }
    sent = whatsapp_cloud.delivered()
    assert len(sent) == 2
    assert {body["to"] for body in sent} == {"6281111111111"}
    assert {body["template"]["name"] for body in sent} == {"pasar_order_submitted"}
    assert {body_texts(body)[1] for body in sent} == numbers
    assert PurchaseOrder.objects.count() == 2


def test_a_task_delivered_twice_sends_once_and_gateway_errors_follow_their_rules(
    reachable_people, whatsapp_cloud
):
    world = reachable_people
    with celery_app(f"redis://127.0.0.1:{closed_port()}/0"):
        (order,) = world.order((world.rice, "100"))
    email, whatsapp = (
        OutboxMessage.objects.get(channel=channel) for channel in ("email", "whatsapp")
    )
    whatsapp_cloud.script = [500]
    with running_worker():
        for _twice in range(2):
            assert publish([email.pk, whatsapp.pk]) == 2
        assert wait_until(lambda: OutboxMessage.objects.filter(attempts__gte=1).count() == 2)
        assert wait_until(lambda: len(whatsapp_cloud.received) >= 1)
        time.sleep(1)  # let the duplicates run: they find the messages held or done
        whatsapp.refresh_from_db()
        assert whatsapp.status == Status.PENDING and "HTTP 500" in whatsapp.last_error
        assert len(mail.outbox) == 1  # e-mail went once although its task ran twice

        # The 500 is retried when its backoff is over; a 400 is not retried at all.
        assert outbox_sweep() == 0  # not yet
        time_passes(minutes=5)
        assert outbox_sweep() == 1
        assert wait_until(lambda: OutboxMessage.objects.filter(status=Status.SENT).count() == 2)
        assert [request["status"] for request in whatsapp_cloud.received] == [500, 200]

        world.approver.refresh_from_db()
        order.refresh_from_db()
        whatsapp_cloud.script = [400]
        from orders.services.transitions import order_approve

        order_approve(order=order, by=world.approver)
        vendor_message = OutboxMessage.objects.get(
            channel="whatsapp", notification__recipient=world.rice_seller
        )
        assert wait_until(
            lambda: OutboxMessage.objects.filter(pk=vendor_message.pk, status="failed").exists()
        )
        time_passes(hours=3)
        assert outbox_sweep() == 0
    vendor_message.refresh_from_db()
    assert vendor_message.attempts == 1 and "HTTP 400" in vendor_message.last_error
    assert [request["status"] for request in whatsapp_cloud.received] == [500, 200, 400]
    assert [body["json"]["to"] for body in whatsapp_cloud.received] == [
        "6281111111111",
        "6281111111111",
        "6282222222222",
    ]
