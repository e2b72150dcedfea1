"""Signed checkpoints of the audit chain's head, kept outside the database.

The head (sequence, hash, time) is signed with the audit key (HMAC-SHA256) and appended as one
line to the checkpoint log (AUDIT_CHECKPOINT_LOG, a file made append-only, on a machine the
database's administrators cannot write), at least every minute while events are written; each
night's is also kept as a small JSON file in the private storage. The latest are shown on the
public transparency page. Someone who can rewrite the database can cut the trail short, rewind
it or empty it and make the chain agree with itself again; they cannot make it agree with a
checkpoint written before (market.services.audit.audit_verify_chain).
"""

import datetime
import hashlib
import hmac
import json
import os
from dataclasses import asdict, dataclass
from datetime import UTC
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.utils import timezone

FOLDER = "audit-checkpoints"
# A log line is about 250 bytes; reading this much of the log's end finds the latest ones.
LINE_BYTES = 512


@dataclass(frozen=True)
class Checkpoint:
    sequence: int
    hash: str
    time: str  # ISO 8601, UTC
    key_id: str
    signature: str

    @staticmethod
    def _sign(sequence: int, hash: str, time: str, key_id: str) -> str:
        key = settings.AUDIT_KEYS[key_id].encode()
        return hmac.new(key, f"{sequence}|{hash}|{time}".encode(), hashlib.sha256).hexdigest()

    @classmethod
    def signed(cls, *, sequence: int, hash: str, time: str) -> "Checkpoint":
        key_id = settings.AUDIT_KEY_ID
        return cls(sequence, hash, time, key_id, cls._sign(sequence, hash, time, key_id))

    @property
    def signed_at(self) -> datetime.datetime:
        return datetime.datetime.fromisoformat(self.time)

    def signature_holds(self) -> bool:
        if self.key_id not in settings.AUDIT_KEYS:
            return False
        expected = self._sign(self.sequence, self.hash, self.time, self.key_id)
        return hmac.compare_digest(self.signature, expected)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2)

    @classmethod
    def from_json(cls, text: str) -> "Checkpoint":
        data = json.loads(text)
        return cls(
            sequence=int(data["sequence"]),
            hash=str(data["hash"]),
            time=str(data["time"]),
            key_id=str(data["key_id"]),
            signature=str(data["signature"]),
        )

    @classmethod
    def newest_in(cls, text: str) -> "Checkpoint":
        """The checkpoint a kept file holds: one as published (JSON), or a copy of the
        checkpoint log (one per line), whose newest is taken."""
        try:
            return cls.from_json(text)
        except (ValueError, KeyError, TypeError):
            found = _parsed(text.splitlines())
            if not found:
                raise ValueError("no checkpoint in this file") from None
            return _newest(found)


def _storage():
    return storages["private"]


def audit_checkpoint_log() -> Path:
    """Where checkpoints are appended: AUDIT_CHECKPOINT_LOG, else beside the private files."""
    configured = settings.AUDIT_CHECKPOINT_LOG
    return Path(configured) if configured else Path(settings.PRIVATE_MEDIA_ROOT) / f"{FOLDER}.log"


def _append(checkpoint: Checkpoint) -> None:
    """One line at the log's end, on disk before this returns (O_APPEND: writers never
    overwrite each other, and a log made append-only accepts nothing else)."""
    path = audit_checkpoint_log()
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(asdict(checkpoint), separators=(",", ":")) + "\n"
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(descriptor, line.encode())
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def audit_checkpoint_write(
    *, head: tuple[int, str] | None = None, keep_file: bool = True
) -> Checkpoint:
    """Sign the chain's head (`head`: the sequence and hash a walk of the chain ended at; else
    as it stands) and append it to the checkpoint log; `keep_file`: also keep it as a file in
    the private storage (nightly)."""
    if head is None:
        from market.models import AuditChainHead

        stored = AuditChainHead.objects.filter(pk=1).first()
        head = (stored.sequence, stored.hash) if stored else (0, "0" * 64)
    now = timezone.now().astimezone(UTC).replace(microsecond=0)
    checkpoint = Checkpoint.signed(sequence=head[0], hash=head[1], time=now.isoformat())
    _append(checkpoint)
    if keep_file:
        name = f"{FOLDER}/{now:%Y%m%dT%H%M%SZ}-{checkpoint.sequence:012d}.json"
        _storage().save(name, ContentFile(checkpoint.to_json().encode()))
    return checkpoint


def _parsed(lines) -> list[Checkpoint]:
    """The checkpoints of these log lines; a line cut short by a crash is skipped."""
    found = []
    for line in lines:
        try:
            found.append(Checkpoint.from_json(line))
        except (ValueError, KeyError, TypeError):
            continue
    return found


def _log_latest(limit: int) -> list[Checkpoint]:
    """The last `limit` checkpoints of the log, in the order written."""
    try:
        with audit_checkpoint_log().open("rb") as log:
            size = log.seek(0, os.SEEK_END)
            start = max(0, size - limit * LINE_BYTES)
            log.seek(start)
            lines = log.read().decode(errors="replace").splitlines()
    except FileNotFoundError:
        return []
    if start > 0:
        lines = lines[1:]  # begun mid-line
    return _parsed(lines)[-limit:]


def _stored_latest(limit: int) -> list[Checkpoint]:
    """The latest nightly checkpoint files of the private storage, newest first."""
    storage = _storage()
    try:
        _folders, files = storage.listdir(FOLDER)
    except FileNotFoundError:
        return []
    found = []
    for name in sorted((f for f in files if f.endswith(".json")), reverse=True)[:limit]:
        with storage.open(f"{FOLDER}/{name}") as handle:
            found.append(Checkpoint.from_json(handle.read().decode()))
    return found


def audit_checkpoints(limit: int = 7) -> list[Checkpoint]:
    """The latest checkpoints, from the log and the private storage, newest first."""
    found = {c.signature: c for c in [*_log_latest(limit), *_stored_latest(limit)]}
    return sorted(found.values(), key=lambda c: (c.time, c.sequence), reverse=True)[:limit]


def _newest(checkpoints: list[Checkpoint]) -> Checkpoint:
    """The checkpoint that holds the trail to the most: the furthest event, then the latest."""
    return max(checkpoints, key=lambda c: (c.sequence, c.time))


def audit_checkpoint_latest() -> Checkpoint | None:
    """The newest checkpoint held outside the database (the log or the storage). The log's
    last lines are all read: a night's walk may append its checkpoint after a newer one."""
    latest = [*_log_latest(20), *_stored_latest(1)]
    return _newest(latest) if latest else None
