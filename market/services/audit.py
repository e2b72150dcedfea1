"""Writing and verifying the hash-chained audit trail."""

import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from datetime import UTC

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from market.audit_privacy import private_values_replaced
from market.bounds import text_problem
from market.errors import Conflict, InvalidInput, NotAllowed
from market.locks import lock_row
from market.models import AuditChainHead, AuditCheck, AuditEvent, AuditReview
from market.permissions import roles_of
from market.services.audit_checkpoints import (
    Checkpoint,
    audit_checkpoint_latest,
    audit_checkpoint_write,
)
from market.transactions import action, defer_until_commit, in_action

GENESIS_HASH = "0" * 64

logger = logging.getLogger(__name__)


def _normalise(value):
    """Round-trip through JSON so the hash is computed on exactly what the database gives back."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _event_hash(*, previous_hash: str, fields: dict, key_id: str) -> str:
    """HMAC-SHA256 of the link under the key `key_id` names (settings.AUDIT_KEYS)."""
    payload = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    message = f"{previous_hash}|{payload}".encode()
    return hmac.new(settings.AUDIT_KEYS[key_id].encode(), message, hashlib.sha256).hexdigest()


def _hashed_fields(event: AuditEvent) -> dict:
    return {
        "sequence": event.sequence,
        "created_at": event.created_at.astimezone(UTC).isoformat(),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "before": event.before,
        "after": event.after,
    }


def audit_record(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent | None:
    """Append one event to the chain, in the caller's transaction.

    Inside an action (market.transactions) the event is linked into the chain just before the
    action commits, in the order recorded, and a nested action that fails takes its events with
    it; outside one it is linked at once and returned.
    """
    object_type = target._meta.label_lower if target is not None else ""
    event = AuditEvent(
        created_at=timezone.now(),
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_label=getattr(actor, "username", "") or "system",
        action=action,
        object_type=object_type,
        object_id=str(target.pk) if target is not None else "",
        object_repr=str(target)[:200] if target is not None else "",
        # Private values are kept only as fingerprints (market.audit_privacy).
        before=private_values_replaced(object_type, _normalise(before)),
        after=private_values_replaced(object_type, _normalise(after)),
    )
    if in_action():
        defer_until_commit("audit", event, flush=_link)
        return None
    with transaction.atomic():
        _link([event])
    return event


def _link(events: list[AuditEvent]) -> None:
    """Chain the events after the head and store them.

    The chain head is one row that every writer in the organisation must lock: each link needs
    the hash of the one before it, so links are made one at a time. It is therefore locked
    last, just before commit, and held only for these inserts.
    """
    if not events:
        return
    try:
        head = lock_row(AuditChainHead.objects, 1)
    except AuditChainHead.DoesNotExist:  # the first event of a new database
        AuditChainHead.objects.get_or_create(pk=1)
        head = lock_row(AuditChainHead.objects, 1)
    for event in events:
        event.sequence = head.sequence + 1
        event.previous_hash = head.hash
        event.key_id = settings.AUDIT_KEY_ID
        event.hash = _event_hash(
            previous_hash=head.hash, fields=_hashed_fields(event), key_id=event.key_id
        )
        head.sequence, head.hash = event.sequence, event.hash
    AuditEvent.objects.bulk_create(events)
    head.save(update_fields=["sequence", "hash"])


# Never copied into the trail: secrets (a password hash, an API token's key), and columns
# derived from others.
NOT_AUDITED = frozenset({"password", "key", "last_login", "search_document", "search_vector"})


def model_snapshot(obj: models.Model) -> dict:
    """A row's own columns as plain values, for an event's before and after."""
    snapshot = {}
    for field in obj._meta.concrete_fields:
        if field.attname in NOT_AUDITED:
            continue
        value = field.value_from_object(obj)
        snapshot[field.attname] = value.name if hasattr(value, "field") else value  # a file
    return _normalise(snapshot)


def audit_changes(
    *, actor, action: str, target: models.Model, before: dict | None, after: dict | None
) -> None:
    """Record what changed between two snapshots (only the fields that differ); nothing when
    nothing did."""
    before, after = _normalise(before), _normalise(after)
    if before and after:
        changed = {key for key in after if before.get(key) != after.get(key)}
        if not changed:
            return
        before = {key: before.get(key) for key in sorted(changed)}
        after = {key: after[key] for key in sorted(changed)}
    audit_record(actor=actor, action=action, target=target, before=before, after=after)


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    broken_sequence: int | None = None
    reason: str = ""
    # The head the walk ended at (sequence, hash), when the chain holds.
    head: tuple[int, str] | None = None


def _link_problem(event: AuditEvent) -> str:
    """Why this event's own hash does not hold ("" when it does)."""
    if event.key_id not in settings.AUDIT_KEYS:
        return f"keyed with an unknown key ({event.key_id or 'none'})"
    expected = _event_hash(
        previous_hash=event.previous_hash, fields=_hashed_fields(event), key_id=event.key_id
    )
    return "" if hmac.compare_digest(event.hash, expected) else "content does not match its hash"


def _head() -> tuple[int, str]:
    head = AuditChainHead.objects.filter(pk=1).first()
    return (head.sequence, head.hash) if head else (0, GENESIS_HASH)


def audit_verify_chain(
    *, checkpoint: Checkpoint | None = None, since: bool = False, batch_size: int = 2000
) -> ChainReport:
    """Walk the chain in order; name the first event whose link or content does not hold.

    With a `checkpoint` (signed, kept outside the database) the chain must still hold the event
    it recorded, with its hash: a trail cut short, rewound or emptied since is named. `since`:
    start the walk at the checkpoint's event instead of the first one.

    The head is read first and the walk ends at it: events written meanwhile (each commits
    with the head it moved) are left for the next walk instead of looking like a break.
    """
    if checkpoint is not None and not checkpoint.signature_holds():
        reason = "the checkpoint's signature does not hold"
        return ChainReport(False, 0, checkpoint.sequence, reason)
    head_sequence, head_hash = _head()
    start = checkpoint if since and checkpoint is not None else None
    expected_previous, expected_sequence = GENESIS_HASH, 1
    events = AuditEvent.objects.filter(sequence__lte=head_sequence).order_by("sequence")
    if start is not None:
        anchor = AuditEvent.objects.filter(sequence=start.sequence).first()
        if anchor is None or anchor.hash != start.hash:
            return ChainReport(False, 0, start.sequence, _checkpoint_lost(start))
        expected_previous, expected_sequence = anchor.hash, anchor.sequence + 1
        events = events.filter(sequence__gt=anchor.sequence)
    checked = 0
    for event in events.iterator(chunk_size=batch_size):
        if event.sequence != expected_sequence:
            return ChainReport(False, checked, expected_sequence, "missing event")
        if event.previous_hash != expected_previous:
            return ChainReport(False, checked, event.sequence, "previous hash does not match")
        if problem := _link_problem(event):
            return ChainReport(False, checked, event.sequence, problem)
        at_checkpoint = checkpoint is not None and event.sequence == checkpoint.sequence
        if at_checkpoint and event.hash != checkpoint.hash:
            return ChainReport(False, checked, event.sequence, _checkpoint_lost(checkpoint))
        expected_previous, expected_sequence = event.hash, event.sequence + 1
        checked += 1
    last = expected_sequence - 1
    if head_sequence != last or (head_sequence and head_hash != expected_previous):
        return ChainReport(False, checked, last + 1, "events after this one are missing")
    if checkpoint is not None and checkpoint.sequence > last:
        return ChainReport(False, checked, last + 1, _checkpoint_lost(checkpoint))
    # Events beyond the head read at the start are fine if a writer has moved the head past
    # them since; beyond the head as it is now, someone moved it back.
    beyond = AuditEvent.objects.filter(sequence__gt=last).order_by("-sequence").first()
    if beyond is not None and _head()[0] < beyond.sequence:
        return ChainReport(False, checked, last + 1, "the head was moved back before this event")
    return ChainReport(True, checked, head=(last, expected_previous))


def _checkpoint_lost(checkpoint: Checkpoint) -> str:
    return (
        f"the checkpoint of {checkpoint.time} recorded event #{checkpoint.sequence} "
        f"({checkpoint.hash[:12]}…), which the trail no longer holds"
    )


@action
def audit_review(*, events, by, note: str = "") -> int:
    """A finance officer or inspector marks events as read; returns how many were new to them."""
    if not roles_of(by).is_auditor:
        raise NotAllowed(_("Only finance officers and inspectors review the audit trail."))
    if problem := text_problem(note, most=500, required=False):
        raise InvalidInput({"note": [problem]})
    events = list(events)
    if not events:
        raise InvalidInput({"events": [_("Choose at least one event.")]})
    done = set(
        AuditReview.objects.filter(reviewer=by, event__in=events).values_list("event_id", flat=True)
    )
    new = [event for event in events if event.pk not in done]
    try:
        # The same person sending the form twice at once: the second waits on the unique
        # index for the first, then finds its reviews there.
        with transaction.atomic():
            AuditReview.objects.bulk_create(
                AuditReview(event=event, reviewer=by, note=(note or "").strip()) for event in new
            )
    except IntegrityError:
        raise Conflict(
            _("You have just marked these events as reviewed."), code="already_reviewed"
        ) from None
    if new:
        audit_record(
            actor=by,
            action="audit.review",
            after={"events": [event.sequence for event in new], "note": (note or "").strip()},
        )
    return len(new)


@action
def audit_check_record(*, report: ChainReport) -> AuditCheck:
    """Keep the result of walking the chain, for the audit page."""
    return AuditCheck.objects.create(
        ok=report.ok,
        checked=report.checked,
        broken_sequence=report.broken_sequence,
        reason=report.reason[:200],
    )


def _log_break(report: ChainReport) -> None:
    logger.error("Audit chain broken at event #%s: %s", report.broken_sequence, report.reason)


def _record_break(report: ChainReport) -> None:
    """Keep a broken walk for the audit page, once while the chain stays broken the same way."""
    _log_break(report)
    last = AuditCheck.objects.order_by("-ran_at", "-pk").first()
    same = last is not None and not last.ok and last.broken_sequence == report.broken_sequence
    if not (same and last.reason == report.reason[:200]):
        audit_check_record(report=report)


def audit_chain_check() -> ChainReport:
    """Nightly: walk the whole chain against the newest checkpoint and keep the result; sign
    the head the walk ended at when the chain holds, also as a file in the private storage."""
    report = audit_verify_chain(checkpoint=audit_checkpoint_latest())
    audit_check_record(report=report)
    if report.ok:
        audit_checkpoint_write(head=report.head, keep_file=True)
    else:
        _log_break(report)
    return report


def audit_head_sign() -> Checkpoint | None:
    """At least every minute: when the head has moved since the newest checkpoint, walk the
    events written since (from that checkpoint's event) and sign the head they end at, so at
    most the events written since the last signing can vanish unnoticed. A chain that no
    longer holds is not signed; the break is kept for the audit page."""
    latest = audit_checkpoint_latest()
    if latest is not None and (latest.sequence, latest.hash) == _head():
        return None
    if latest is None and _head()[0] == 0:
        return None  # nothing written yet
    report = audit_verify_chain(checkpoint=latest, since=latest is not None)
    if not report.ok:
        _record_break(report)
        return None
    return audit_checkpoint_write(head=report.head, keep_file=False)
