"""Idempotency-Key for POSTs that create orders or move money: a replay of the same request
returns the first answer and changes nothing; the same key with another request is refused."""

import datetime
import hashlib
import json

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.exceptions import APIException
from rest_framework.response import Response

from market.errors import Conflict, DomainError, InvalidInput
from market.rest import exception_handler
from orders.models import IdempotencyKey

HEADER = "Idempotency-Key"


def _fingerprint(request) -> str:
    data = request.data
    if hasattr(data, "lists"):
        data = {key: [str(value) for value in values] for key, values in data.lists()}
    body = json.dumps(data, sort_keys=True, default=str)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def idempotent(request, handler) -> Response:
    """Run `handler()` once per (user, key); store and replay its answer, errors included."""
    key = request.headers.get(HEADER, "").strip()
    if not key:
        return handler()
    if len(key) > 100:
        raise InvalidInput({HEADER: [_("Use a key of at most 100 characters.")]})
    fingerprint = _fingerprint(request)
    with transaction.atomic():
        # A concurrent request with the same key waits here until the first one commits.
        record, created = IdempotencyKey.objects.select_for_update().get_or_create(
            user=request.user, key=key, defaults={"fingerprint": fingerprint}
        )
        if not created:
            if record.fingerprint != fingerprint:
                raise Conflict(
                    _("This Idempotency-Key was already used for a different request."),
                    code="idempotency_key_reused",
                )
            return Response(
                record.body, status=record.status_code, headers={"Idempotent-Replayed": "true"}
            )
        try:
            with transaction.atomic():
                response = handler()
        except (DomainError, APIException) as error:
            response = exception_handler(error, {})
        record.status_code, record.body = response.status_code, response.data
        record.save(update_fields=["status_code", "body"])
    return response


def forget_old_keys(*, days: int = 30) -> int:
    """Replays come within minutes; a month-old key only takes space."""
    cutoff = timezone.now() - datetime.timedelta(days=days)
    deleted, _counts = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
