"""What a WhatsApp message carries back to the app: a reply button's payload, and a document's
link. Each is signed with the site's secret key and expires, and names the order, what to do
and the person it was sent to, never a bare order id that anyone could type."""

import datetime

from django.conf import settings
from django.core import signing
from django.urls import reverse

REPLY_SALT = "whatsapp.reply"
DOCUMENT_SALT = "whatsapp.document"
# Short names keep a button's payload well under the Cloud API's 128 characters.
ACTIONS = {"accept": "a", "decline": "d"}
ACTION_OF = {letter: name for name, letter in ACTIONS.items()}


class BadToken(Exception):
    """Not one the app made (or changed since)."""


class ExpiredToken(Exception):
    """One the app made, older than it may be."""


def _signer(salt: str) -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=salt)


def _read(token: str, salt: str, max_age: datetime.timedelta) -> dict:
    try:
        value = _signer(salt).unsign_object(token, max_age=max_age)
    except signing.SignatureExpired:
        raise ExpiredToken from None
    except (signing.BadSignature, ValueError, TypeError):
        raise BadToken from None
    if not isinstance(value, dict):
        raise BadToken
    return value


def reply_token(*, order_id: int, action: str, person_id: int) -> str:
    return _signer(REPLY_SALT).sign_object(
        {"o": order_id, "a": ACTIONS[action], "p": person_id}, compress=True
    )


def reply_of(token: str) -> tuple[int, str, int]:
    """(order id, action, person id) of a reply button's payload."""
    value = _read(
        str(token or "")[:256], REPLY_SALT, datetime.timedelta(days=settings.WHATSAPP_REPLY_DAYS)
    )
    order_id, action, person_id = value.get("o"), ACTION_OF.get(value.get("a")), value.get("p")
    if not (isinstance(order_id, int) and isinstance(person_id, int) and action):
        raise BadToken
    return order_id, action, person_id


def document_path(*, order_id: int, kind: str, person_id: int) -> str:
    """The path of a document's PDF for the person it is sent to (Meta fetches it from there)."""
    token = _signer(DOCUMENT_SALT).sign_object(
        {"o": order_id, "k": kind, "p": person_id}, compress=True
    )
    return reverse("whatsapp-document", args=[token])


def document_of(token: str) -> tuple[int, str, int]:
    """(order id, document kind, person id) of a document link."""
    value = _read(
        str(token or "")[:512],
        DOCUMENT_SALT,
        datetime.timedelta(days=settings.WHATSAPP_DOCUMENT_DAYS),
    )
    order_id, kind, person_id = value.get("o"), value.get("k"), value.get("p")
    if not (isinstance(order_id, int) and isinstance(kind, str) and isinstance(person_id, int)):
        raise BadToken
    return order_id, kind, person_id
