"""Private fields in the audit trail: what an event keeps of them, and who reads them.

An event proves that a private field (an NPWP, a phone or WhatsApp number, an e-mail or street
address, a bank account) changed without holding its value: it keeps a keyed fingerprint, an
HMAC-SHA256 under the audit key, which is not in the database, so that nobody can test guesses
against it without the key; of an account number also its last four digits. Whoever holds the
key can tell whether a value they are given is the one recorded (`audit_fingerprint`).

Each app names its objects' private fields, and who may read them, when it starts
(AppConfig.ready), as it registers its department's objects (market.audit_scope). Events
written before fingerprints were kept hold some values in full. They stay as written: changing
them would mean rewriting the chain whose purpose is to show that nobody did. The audit page
shows such a value only to those who may read the field (`unreadable_fields`).
"""

import hashlib
import hmac
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class PrivateFields:
    fields: frozenset[str]
    last_digits: frozenset[str]  # of these, the last four characters are kept too
    readable: Callable[[object, str], frozenset[str]]  # (person, object id) -> what they read


_private: dict[str, PrivateFields] = {}


def register_private_fields(
    object_type: str,
    *,
    fields: Iterable[str],
    readable: Callable[[object, str], frozenset[str]],
    last_digits: Iterable[str] = (),
) -> None:
    _private[object_type] = PrivateFields(frozenset(fields), frozenset(last_digits), readable)


def audit_fingerprint(value: str, *, key_id: str | None = None) -> str:
    """The fingerprint an event keeps of a private value (the same value, the same print)."""
    key = settings.AUDIT_KEYS[key_id or settings.AUDIT_KEY_ID].encode()
    return hmac.new(key, f"private|{value}".encode(), hashlib.sha256).hexdigest()[:32]


def is_fingerprint(value) -> bool:
    return isinstance(value, dict) and "fingerprint" in value


def _kept(value: str, *, last_digits: bool) -> dict:
    kept = {"fingerprint": audit_fingerprint(value), "key_id": settings.AUDIT_KEY_ID}
    if last_digits:
        kept["last4"] = value[-4:]
    return kept


def private_values_replaced(object_type: str, values: dict | None) -> dict | None:
    """An event's before or after with each private value replaced by what is kept of it."""
    private = _private.get(object_type)
    if private is None or not isinstance(values, dict):
        return values
    return {
        key: _kept(value, last_digits=key in private.last_digits)
        if key in private.fields and isinstance(value, str) and value
        else value
        for key, value in values.items()
    }


def unreadable_fields(event, reader) -> frozenset[str]:
    """The private fields of this event's object that `reader` may not read."""
    private = _private.get(event.object_type)
    if private is None:
        return frozenset()
    return private.fields - private.readable(reader, event.object_id)
