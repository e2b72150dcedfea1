"""Idempotency-Key for POSTs that create orders or move money: a replay of the same request
returns the first answer and changes nothing; the same key with another request is refused.

1. The key is claimed in a short transaction of its own (a row: user, key, fingerprint).
2. The action runs in its own durable transaction, and just before it commits it marks the key
   done with a reference to what it made (market.transactions.before_commit_of_next_action):
   the key is done if and only if the action committed.
3. The answer is rendered after the commit and stored; every replay gets exactly that answer.

A replay that arrives while the first request is still running waits for it. A claim whose
request died before committing (its action rolled back) is taken over after CLAIM_EXPIRY: it
did nothing, so running the request is safe. An answer that the order changed meanwhile (409) is
not kept: the retry it asks for is carried out.
"""

import datetime
import hashlib
import json
import time
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.exceptions import APIException
from rest_framework.response import Response

from market.errors import Conflict, DomainError, InvalidInput
from market.rest import exception_handler
from market.transactions import before_commit_of_next_action
from orders.models import IdempotencyKey

HEADER = "Idempotency-Key"
CLAIM_EXPIRY = datetime.timedelta(minutes=2)  # longer than any request may run
WAIT_FOR_FIRST = 30.0  # seconds a replay waits for the first request to finish
POLL = 0.05


def _fingerprint(request) -> str:
    data = request.data
    if hasattr(data, "lists"):
        data = {key: [str(value) for value in values] for key, values in data.lists()}
    body = json.dumps(data, sort_keys=True, default=str)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def _replay(record: IdempotencyKey) -> Response:
    return Response(record.body, status=record.status_code, headers={"Idempotent-Replayed": "true"})


def _claim(user, key: str, fingerprint: str) -> tuple[IdempotencyKey | None, Response | None]:
    """(the claimed row, None) when this request is to run; (None, the answer) for a replay."""
    deadline = time.monotonic() + WAIT_FOR_FIRST
    while True:
        now = timezone.now()
        try:
            with transaction.atomic():
                record, created = IdempotencyKey.objects.get_or_create(
                    user=user, key=key, defaults={"fingerprint": fingerprint, "claimed_at": now}
                )
        except IntegrityError:  # claimed this very moment by a concurrent request
            created, record = False, None
        if created:
            return record, None
        if record is not None:
            if record.fingerprint != fingerprint:
                raise Conflict(
                    _("This Idempotency-Key was already used for a different request."),
                    code="idempotency_key_reused",
                )
            if record.status_code:
                return None, _replay(record)
            if record.done:
                return record, None  # committed, but its answer was lost: render it now
            stale = IdempotencyKey.objects.filter(
                pk=record.pk,
                done=False,
                claimed_at=record.claimed_at,
                claimed_at__lt=now - CLAIM_EXPIRY,
            ).update(claimed_at=now)
            if stale:
                record.claimed_at = now
                return record, None
        if time.monotonic() > deadline:
            raise Conflict(
                _("A request with this Idempotency-Key is still being carried out; retry later."),
                code="idempotency_key_in_use",
            )
        time.sleep(POLL)


def idempotent(
    request,
    *,
    run: Callable[[], object],
    respond: Callable[[object], Response],
    reference: Callable[[object], object] = lambda result: None,
) -> Response:
    """Carry out `run()` once per (user, key) and answer `respond(reference(result))`.

    `reference(result)` is what the answer needs to be made again (JSON: ids), stored with the
    key inside the action's transaction; errors are answers too, replayed the same.
    """
    key = request.headers.get(HEADER, "").strip()
    if not key:
        return respond(reference(run()))
    if len(key) > 100:
        raise InvalidInput({HEADER: [_("Use a key of at most 100 characters.")]})
    record, answer = _claim(request.user, key, _fingerprint(request))
    if answer is not None:
        return answer
    if not record.done:

        def mark_done(result) -> None:
            IdempotencyKey.objects.filter(pk=record.pk).update(done=True, result=reference(result))
            record.done, record.result = True, reference(result)

        try:
            with before_commit_of_next_action(mark_done):
                result = run()
        except (DomainError, APIException) as error:
            response = exception_handler(error, {})
            if isinstance(error, Conflict):  # "it changed meanwhile": a retry may succeed
                IdempotencyKey.objects.filter(pk=record.pk, done=False).delete()
            else:
                _store(record, response)
            return response
        except BaseException:
            IdempotencyKey.objects.filter(pk=record.pk, done=False).delete()  # free for a retry
            raise
        if not record.done:  # nothing in `run` was an action: there was no commit to wait for
            record.result = reference(result)
    response = respond(record.result)
    _store(record, response)
    return response


def _store(record: IdempotencyKey, response: Response) -> None:
    IdempotencyKey.objects.filter(pk=record.pk).update(
        done=True, status_code=response.status_code, body=response.data
    )


def forget_old_keys(*, days: int = 30) -> int:
    """Replays come within minutes; a month-old key only takes space."""
    cutoff = timezone.now() - datetime.timedelta(days=days)
    deleted, _counts = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
