"""Private fields in the audit trail: what an event keeps of them, and who reads them.

An event proves that a private field (an NPWP, a phone or WhatsApp number, an e-mail or street
address, a bank account) changed without holding its value: it keeps a keyed fingerprint, an
HMAC-SHA256 under the audit key, which is not in the database, so that nobody can test guesses
against it without the key; of an account number also its last four digits. Whoever holds the
key can tell whether a value they are given is the one recorded (`audit_fingerprint`).

Each model names its private fields, and who may read them, in its `audit_reading`
declaration (market.audit_reading). Events
written before fingerprints were kept hold some values in full. They stay as written: changing
them would mean rewriting the chain whose purpose is to show that nobody did. The audit page
shows such a value only to those who may read the field (`unreadable_fields`).
"""

import hashlib
import hmac

from django.conf import settings

from market.audit_reading import audit_reading


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
    reading = audit_reading(object_type)
    if reading is None or not reading.private or not isinstance(values, dict):
        return values
    return {
        key: _kept(value, last_digits=key in reading.last_digits)
        if key in reading.private and isinstance(value, str) and value
        else value
        for key, value in values.items()
    }


def unreadable_fields(event, reader) -> frozenset[str]:
    """The private fields of this event's object that `reader` may not read."""
    reading = audit_reading(event.object_type)
    if reading is None or not reading.private:
        return frozenset()
    return reading.private - reading.named("readable")(reader, event.object_id)
