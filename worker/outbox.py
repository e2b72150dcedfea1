"""The outbox relay: publishing messages to Celery after the commit that wrote them, the sweeper
that publishes again what is still waiting, and delivering one message by its channel.

Messages go to Celery in batches. A task claims its batch's messages in one transaction (status
`sending`, held for LEASE; rows another sender holds are skipped) and records each outcome as
soon as it is known, so two runs of one task never both send a message: the second finds it
held or sent. A sender killed mid-send lets the message go when its hold passes,
and the sweeper publishes it again; the gateway and the mail server get the same reference both
times to drop the repeat.

Failures are retried with exponential backoff up to MAX_ATTEMPTS, then left `failed` with the
last error for an administrator, who can send them again (admin, "Retry").
"""

import datetime
import logging
from collections.abc import Iterable

from django.core import mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from kombu.exceptions import OperationalError

from market.locks import lock_rows
from market.models import OutboxMessage
from market.services.audit import audit_record
from market.services.notifications import RELAY_GRACE
from market.transactions import action
from worker.channels import SENDERS, PermanentFailure

logger = logging.getLogger(__name__)

Status = OutboxMessage.Status
MAX_ATTEMPTS = 8
FIRST_BACKOFF = datetime.timedelta(minutes=1)
LONGEST_BACKOFF = datetime.timedelta(hours=1)
# Longer than a send may take (the gateway's timeout, a slow mail server).
LEASE = datetime.timedelta(minutes=5)
SWEEP_BATCH = 500
# Messages per task: one task's overhead (about 9 ms of a worker) shared by many.
PUBLISH_BATCH = 100
SWEEP_MOST_BATCHES = 40


def backoff(attempts: int) -> datetime.timedelta:
    """1, 2, 4, … minutes after the first, second, third failure; at most an hour."""
    return min(FIRST_BACKOFF * 2 ** max(attempts - 1, 0), LONGEST_BACKOFF)


def publish(message_ids: Iterable[int]) -> int:
    """Hand the messages to Celery, PUBLISH_BATCH to a task; how many were handed. When the
    broker cannot be reached they stay pending in the database, where the sweeper finds them."""
    from worker.tasks import deliver_messages  # the task module imports this one

    ids, published = list(message_ids), 0
    for start in range(0, len(ids), PUBLISH_BATCH):
        batch = ids[start : start + PUBLISH_BATCH]
        try:
            deliver_messages.apply_async((batch,), retry=False)
        except (OperationalError, OSError):
            logger.warning("The broker cannot be reached; the outbox sweeper will send the rest.")
            break
        except Exception:  # one batch's trouble (eager mode runs it here) stops no other
            logger.exception("Outbox messages %s could not be published", batch)
            continue
        published += len(batch)
    return published


def on_outbox_written(sender, message_ids, **kwargs) -> None:
    """market.signals.outbox_written: the transaction that wrote them has committed."""
    publish(message_ids)


@action
def _take_due(*, now: datetime.datetime, limit: int) -> list[int]:
    """Claim the messages due (waiting and not just published, or held by a sender gone quiet)
    and mark them published, so that another sweeper, on this machine or another, skips them."""
    not_just_published = Q(published_at__isnull=True) | Q(published_at__lte=now - RELAY_GRACE)
    due = (
        OutboxMessage.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(
            Q(status=Status.PENDING, next_attempt_at__lte=now) & not_just_published
            | Q(status=Status.SENDING, lease_until__lt=now)
        )
        .order_by("next_attempt_at", "pk")[:limit]
    )
    ids = [message.pk for message in due]
    OutboxMessage.objects.filter(pk__in=ids).update(
        status=Status.PENDING, lease_until=None, published_at=now
    )
    return ids


def outbox_sweep(*, now: datetime.datetime | None = None) -> int:
    """Publish again what is still waiting (beat, every minute); how many were published."""
    now = now or timezone.now()
    published = 0
    for _batch in range(SWEEP_MOST_BATCHES):
        ids = _take_due(now=now, limit=SWEEP_BATCH)
        published += publish(ids)
        if len(ids) < SWEEP_BATCH or published < len(ids):
            break
    return published


@action
def _claim(*, message_ids: list[int], now: datetime.datetime) -> list[OutboxMessage]:
    """Take the messages that are due and not held by another sender, all in one transaction."""
    messages = list(
        OutboxMessage.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("notification__recipient")
        .filter(pk__in=message_ids)
        .filter(
            Q(status=Status.PENDING, next_attempt_at__lte=now)
            | Q(status=Status.SENDING, lease_until__lt=now)
        )
        .order_by("pk")
    )
    # The rest are sent, failed, being sent by another run, or waiting out their backoff.
    for message in messages:
        message.status, message.attempts = Status.SENDING, message.attempts + 1
        message.lease_until = now + LEASE
    OutboxMessage.objects.bulk_update(messages, ["status", "attempts", "lease_until"])
    return messages


def _held(message: OutboxMessage):
    """This sender's hold on the message: still `sending`, under the attempt it claimed."""
    return OutboxMessage.objects.filter(
        pk=message.pk, status=Status.SENDING, attempts=message.attempts
    )


def _still_held(message: OutboxMessage) -> bool:
    """Just before sending: a slow batch renews the hold once half of it has passed, so that
    the sweeper never hands a message still waiting in this batch to another sender. A hold
    that lapsed meanwhile may already be another sender's: then this one lets the message go."""
    now = timezone.now()
    if now < message.lease_until - LEASE / 2:
        return True
    renewed = _held(message).filter(lease_until__gte=now).update(lease_until=now + LEASE)
    message.lease_until = now + LEASE
    return bool(renewed)


def _record(message: OutboxMessage, **outcome) -> None:
    """The outcome of one send, as soon as it is known: a single UPDATE of a row this sender
    holds (status `sending`), so that a crash later in the batch does not send it again."""
    _held(message).update(lease_until=None, **outcome)


def _send(message: OutboxMessage, email_connection) -> str:
    try:
        address = SENDERS[message.channel](message, email_connection)
    except PermanentFailure as failure:
        _record(message, status=Status.FAILED, last_error=str(failure)[:1000])
        return Status.FAILED
    except Exception as error:  # may work later: a 5xx, a timeout, the mail server away
        logger.warning("Outbox message %s, attempt %s: %s", message.pk, message.attempts, error)
        last_error = f"{type(error).__name__}: {error}"[:1000]
        if message.attempts >= MAX_ATTEMPTS:
            _record(message, status=Status.FAILED, last_error=last_error)
            return Status.FAILED
        _record(
            message,
            status=Status.PENDING,
            last_error=last_error,
            next_attempt_at=timezone.now() + backoff(message.attempts),
            published_at=None,  # out of Celery's hands: the sweeper sends it when the wait is over
        )
        return Status.PENDING
    _record(message, status=Status.SENT, address=address, sent_at=timezone.now())
    logger.info("Outbox message %s sent by %s", message.pk, message.channel)
    return Status.SENT


def messages_deliver(*, message_ids: Iterable[int]) -> dict[int, str]:
    """Send each message by its channel, once; {id: what became of it}. The batch's e-mail goes
    through one connection to the mail server."""
    ids = list(message_ids)
    outcomes = dict.fromkeys(ids, "skipped")
    claimed = _claim(message_ids=ids, now=timezone.now())
    if claimed:
        with mail.get_connection() as email_connection:
            for message in claimed:
                if _still_held(message):
                    outcomes[message.pk] = _send(message, email_connection)
    return outcomes


def message_deliver(*, message_id: int) -> str:
    """Send one message by its channel, once; returns what became of it."""
    return messages_deliver(message_ids=[message_id])[message_id]


@action
def outbox_retry(*, message_ids: Iterable[int], by) -> int:
    """An administrator sends failed messages again, from the first attempt; how many."""
    failed = [
        message
        for message in lock_rows(OutboxMessage.objects, message_ids)
        if message.status == Status.FAILED
    ]
    now = timezone.now()
    for message in failed:
        audit_record(
            actor=by,
            action="outbox.retry",
            target=message,
            before={"status": message.status, "attempts": message.attempts},
            after={"status": Status.PENDING, "attempts": 0},
        )
        message.status, message.attempts = Status.PENDING, 0
        message.next_attempt_at = message.published_at = now
        message.save(update_fields=["status", "attempts", "next_attempt_at", "published_at"])
    ids = [message.pk for message in failed]
    if ids:
        transaction.on_commit(lambda: publish(ids), robust=True)
    return len(failed)
