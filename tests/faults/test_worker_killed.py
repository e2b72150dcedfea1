"""A Celery worker killed with SIGKILL in the middle of sending outbox messages (the WhatsApp
Cloud API has received one and not yet answered; the next task waits in Redis). Nothing is
lost, and nothing the app could have known was sent is sent twice:

- each e-mail goes exactly once: the one sent before the kill was recorded sent at once;
- the WhatsApp message in flight is not sent again: the worker never heard the answer, but
  Meta's status callback names it by our reference (biz_opaque_callback_data) and records it
  sent. (The Cloud API drops no repeat: only when neither the answer nor a callback came before
  the hold lapsed would it go twice.) The task still queued goes to the next worker, once;
- the killed worker's hold on its message lapses after worker.outbox.LEASE (5 minutes) and the
  sweeper, as beat runs it, publishes it again; Redis hands out the killed task itself only
  after its visibility timeout (an hour), and running it then changes nothing.
"""

import collections

import pytest
import redis
from celery import current_app
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from market.models import OutboxMessage
from orders.models import PurchaseOrder
from tests.faults.conftest import QUEUE, needs_services
from tests.markers import committing
from tests.orders.test_api import checkout, fill_cart
from tests.waiting import wait_until
from worker.cloud_api_fake import signed
from worker.outbox import LEASE, outbox_sweep

pytestmark = [committing, pytest.mark.postgres, needs_services]
Status = OutboxMessage.Status


def hand_out_unacknowledged_tasks() -> None:
    """What Redis's visibility timeout does for a killed worker's tasks, now, not in an hour."""
    with current_app.connection_for_write(transport_options={"visibility_timeout": 0}) as broker:
        broker.default_channel.qos.restore_visible(interval=1)


def test_a_worker_killed_mid_send_loses_nothing_and_the_person_gets_each_message_once(
    api_as, client, world, private_redis, workers, whatsapp_cloud
):
    broker = redis.Redis.from_url(private_redis.url)
    world.approver.phone, world.approver.phone_verified_at = "+6281111111111", timezone.now()
    world.approver.save()
    whatsapp_cloud.hold()
    first = workers.start()

    buyer = api_as(world.requester)
    fill_cart(buyer, world)
    assert checkout(buyer, world).status_code == 201
    messages = OutboxMessage.objects.order_by("pk")
    # The approver is told of two orders by e-mail and WhatsApp: a task for each order's pair.
    assert list(messages.values_list("channel", flat=True)) == ["email", "whatsapp"] * 2
    assert wait_until(lambda: len(whatsapp_cloud.received) == 1)
    email, in_flight, *queued = messages
    assert dict(messages.values_list("pk", "status")) == {
        email.pk: Status.SENT,
        in_flight.pk: Status.SENDING,  # held by the worker, the Cloud API has it
        **{message.pk: Status.PENDING for message in queued},  # in the worker's next task
    }

    workers.kill(first)
    # The task it was running is taken and not acknowledged; the next one still waits in Redis.
    assert broker.hlen("unacked") == 1 and broker.llen(QUEUE) == 1
    whatsapp_cloud.release()
    # Meta took the message in flight and says so (its callback names our reference).
    raw, headers = signed(
        whatsapp_cloud.status_webhook(whatsapp_cloud.received[0]), "test-app-secret"
    )
    told = client.post(
        "/api/v1/whatsapp/webhook/",
        raw,
        content_type="application/json",
        headers={"X-Hub-Signature-256": headers["X-Hub-Signature-256"]},
    )
    assert told.status_code == 200
    workers.start()
    assert wait_until(lambda: not messages.exclude(status=Status.SENT).exists()), list(
        messages.values_list("pk", "status", "last_error")
    )
    # As if the killed worker's hold had lapsed (worker.outbox.LEASE) and beat ran the sweeper:
    # nothing is left to send again.
    messages.update(lease_until=F("sent_at") - LEASE)
    assert outbox_sweep() == 0
    # The killed task, handed out again by Redis (visibility timeout): nothing left to send.
    hand_out_unacknowledged_tasks()
    assert wait_until(lambda: not broker.hlen("unacked") and not broker.llen(QUEUE))

    references = {message.pk: f"pasar-outbox-{message.pk}" for message in messages}
    assert sorted(workers.sent_mail()) == [references[email.pk], references[queued[0].pk]]
    sent = collections.Counter(
        request["json"]["biz_opaque_callback_data"] for request in whatsapp_cloud.received
    )
    assert sent == {references[in_flight.pk]: 1, references[queued[1].pk]: 1}
    attempts = dict(messages.values_list("pk", "attempts"))
    assert attempts == {email.pk: 1, in_flight.pk: 1, queued[0].pk: 1, queued[1].pk: 1}
    assert OutboxMessage.objects.count() == 4 and PurchaseOrder.objects.count() == 2
    call_command("verify_audit")
