"""Signed checkpoints of the audit chain's head, kept outside the database.

Each day the head (sequence, hash, time) is signed with the audit key (HMAC-SHA256) and written
as a small JSON file to the private storage, and the latest are shown on the public
transparency page. Someone who can rewrite the database can cut the trail short, rewind it or
empty it and make the chain agree with itself again; they cannot make it agree with a
checkpoint written before (market.services.audit.audit_verify_chain).
"""

import hashlib
import hmac
import json
from dataclasses import asdict, dataclass
from datetime import UTC

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.utils import timezone

FOLDER = "audit-checkpoints"


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


def _storage():
    return storages["private"]


def audit_checkpoint_write() -> Checkpoint:
    """Sign the chain's head as it stands and write it out (beat, daily)."""
    from market.models import AuditChainHead

    head = AuditChainHead.objects.filter(pk=1).first()
    now = timezone.now().astimezone(UTC).replace(microsecond=0)
    checkpoint = Checkpoint.signed(
        sequence=head.sequence if head else 0,
        hash=head.hash if head else "0" * 64,
        time=now.isoformat(),
    )
    name = f"{FOLDER}/{now:%Y%m%dT%H%M%SZ}-{checkpoint.sequence:012d}.json"
    _storage().save(name, ContentFile(checkpoint.to_json().encode()))
    return checkpoint


def audit_checkpoints(limit: int = 7) -> list[Checkpoint]:
    """The latest checkpoints, newest first."""
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


def audit_checkpoint_latest() -> Checkpoint | None:
    latest = audit_checkpoints(limit=1)
    return latest[0] if latest else None
