"""The outbox relay: publishing messages and jobs to Celery after the commit that wrote them, the
sweeper that publishes again what is still waiting, and delivering one message by its channel
(a job is run by worker.jobs).

Messages go to Celery in batches. A task claims its batch's messages in one transaction (status
`sending`, held for LEASE; rows another sender holds are skipped) and records each outcome as
soon as it is known, so two runs of one task never both send a message: the second finds it
held or sent. A sender killed mid-send lets the message go when its hold passes,
and the sweeper publishes it again; the gateway and the mail server get the same reference both
times to drop the repeat. Jobs go one to a task (an export may take minutes) and are claimed
the same way.

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
from market.models import Job, OutboxMessage
from market.services.audit import audit_record
from market.services.outbox import RELAY_GRACE
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


def after_failure(row, error: Exception) -> dict:
    """What a failed attempt leaves on a message or a job: waiting out its backoff, out of
    Celery's hands (the sweeper publishes it when the wait is over), or `failed` after the last
    attempt."""
    last_error = f"{type(error).__name__}: {error}"[:1000]
    if row.attempts >= MAX_ATTEMPTS:
        return {"status": row.Status.FAILED, "last_error": last_error}
    return {
        "status": row.Status.PENDING,
        "last_error": last_error,
        "next_attempt_at": timezone.now() + backoff(row.attempts),
        "published_at": None,
    }


def _hand_over(task, ids: list[int], per_task: int) -> int:
    """Publish `task` with the ids, `per_task` to a task; how many were handed. When the broker
    cannot be reached the rest stay pending in the database, where the sweeper finds them."""
    published = 0
    for start in range(0, len(ids), per_task):
        batch = ids[start : start + per_task]
        try:
            task.apply_async((batch,), retry=False)
        except (OperationalError, OSError):
            logger.warning("The broker cannot be reached; the outbox sweeper will send the rest.")
            break
        except Exception:  # one batch's trouble (eager mode runs it here) stops no other
            logger.exception("%s %s could not be published", task.name, batch)
            continue
        published += len(batch)
    return published


def publish(message_ids: Iterable[int]) -> int:
    """Hand the messages to Celery, PUBLISH_BATCH to a task; how many were handed."""
    from worker.tasks import deliver_messages  # the task module imports this one

    return _hand_over(deliver_messages, list(message_ids), PUBLISH_BATCH)


def publish_jobs(job_ids: Iterable[int]) -> int:
    """Hand the jobs to Celery, one to a task (an export may take minutes: the next job should
    not wait behind it); how many were handed."""
    from worker.tasks import run_jobs  # the task module imports this one

    return _hand_over(run_jobs, list(job_ids), 1)


def relay(*, message_ids: Iterable[int] = (), job_ids: Iterable[int] = ()) -> None:
    """The relay (settings.OUTBOX_RELAY): the transaction that wrote these rows has committed
    (market.services.outbox.relay_after_commit)."""
    if message_ids:
        publish(message_ids)
    if job_ids:
        publish_jobs(job_ids)


@action
def _take_due(*, model, held: str, now: datetime.datetime, limit: int) -> list[int]:
    """Claim the rows due (waiting and not just published, or held by a sender or runner gone
    quiet) and mark them published, so that another sweeper, on this machine or another, skips
    them."""
    not_just_published = Q(published_at__isnull=True) | Q(published_at__lte=now - RELAY_GRACE)
    due = (
        model.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(
            Q(status=model.Status.PENDING, next_attempt_at__lte=now) & not_just_published
            | Q(status=held, lease_until__lt=now)
        )
        .order_by("next_attempt_at", "pk")[:limit]
    )
    ids = [row.pk for row in due]
    model.objects.filter(pk__in=ids).update(
        status=model.Status.PENDING, lease_until=None, published_at=now
    )
    return ids


def outbox_sweep(*, now: datetime.datetime | None = None) -> int:
    """Publish again the messages and jobs still waiting (beat, every minute); how many were
    published."""
    now = now or timezone.now()
    published = 0
    # (the rows, the status of a row a sender or runner holds, how they are published)
    swept = ((OutboxMessage, Status.SENDING, publish), (Job, Job.Status.RUNNING, publish_jobs))
    for model, held, publisher in swept:
        for _batch in range(SWEEP_MOST_BATCHES):
            ids = _take_due(model=model, held=held, now=now, limit=SWEEP_BATCH)
            handed = publisher(ids)
            published += handed
            if len(ids) < SWEEP_BATCH or handed < len(ids):
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
        outcome = after_failure(message, error)
        _record(message, **outcome)
        return outcome["status"]
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


def _again(model, ids: Iterable[int], *, by, audit_action: str, publisher) -> int:
    """An administrator's second chance for failed rows (messages or jobs), from the first
    attempt, each audited; published after the commit. How many."""
    failed = [row for row in lock_rows(model.objects, ids) if row.status == model.Status.FAILED]
    now = timezone.now()
    for row in failed:
        audit_record(
            actor=by,
            action=audit_action,
            target=row,
            before={"status": row.status, "attempts": row.attempts},
            after={"status": model.Status.PENDING, "attempts": 0},
        )
        row.status, row.attempts = model.Status.PENDING, 0
        row.next_attempt_at = row.published_at = now
        row.save(update_fields=["status", "attempts", "next_attempt_at", "published_at"])
    again = [row.pk for row in failed]
    if again:
        transaction.on_commit(lambda: publisher(again), robust=True)
    return len(failed)


@action
def outbox_retry(*, message_ids: Iterable[int], by) -> int:
    """An administrator sends failed messages again, from the first attempt; how many."""
    return _again(OutboxMessage, message_ids, by=by, audit_action="outbox.retry", publisher=publish)


@action
def jobs_retry(*, job_ids: Iterable[int], by) -> int:
    """An administrator runs failed jobs again, from the first attempt; how many."""
    return _again(Job, job_ids, by=by, audit_action="job.retry", publisher=publish_jobs)
