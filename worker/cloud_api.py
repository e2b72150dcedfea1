"""The WhatsApp Cloud API (Meta's WhatsApp Business Platform), the two calls the app makes of it:
posting a message, and checking the signature of a webhook Meta posts.

Sending is one JSON `POST {WHATSAPP_API_BASE}/{phone-number-id}/messages` with the bearer token;
the answer names the message (its `wamid`). It is written here rather than with a client library
because the outbox decides retries and what a failure means: a client that retries on its own,
or hides the HTTP status, would send twice or lose the difference between "try later" and
"never". The Cloud API does not drop a repeated request, so the outbox sends a message again
only when neither the answer nor Meta's status callback (which carries our reference,
`biz_opaque_callback_data`) has said it was taken (worker.outbox).
"""

import hashlib
import hmac
import json
import urllib.error
import urllib.request

from django.conf import settings

# Graph's error codes that ask to be asked again later: rate limits, "temporarily
# unavailable", "service unavailable", a pair's rate limit, throughput reached.
RETRY_CODES = {1, 2, 4, 17, 80007, 130429, 131000, 131016, 131056}
# HTTP statuses that ask to be asked again later.
RETRY_STATUSES = {408, 425, 429}


class Refused(Exception):
    """The Cloud API refused the message; sending it again would be refused the same way."""


def configured() -> bool:
    return bool(settings.WHATSAPP_API_BASE and settings.WHATSAPP_PHONE_NUMBER_ID)


def messages_url() -> str:
    return f"{settings.WHATSAPP_API_BASE.rstrip('/')}/{settings.WHATSAPP_PHONE_NUMBER_ID}/messages"


def wa_number(phone: str) -> str:
    """The number as the Cloud API writes it: digits with the country code, no '+'."""
    return phone.lstrip("+")


def _error_of(body: bytes) -> tuple[int | None, str]:
    try:
        error = json.loads(body).get("error") or {}
    except (ValueError, AttributeError):
        return None, body[:300].decode(errors="replace")
    code = error.get("code")
    return (code if isinstance(code, int) else None), str(error.get("message", ""))[:300]


def send(body: dict) -> str:
    """Post one message; its `wamid`. Raises Refused when asking again would not help, anything
    else (ConnectionError, a timeout) when it may work later."""
    if not configured() or not settings.WHATSAPP_TOKEN:
        raise Refused("WhatsApp is not configured (WHATSAPP_PHONE_NUMBER_ID, WHATSAPP_TOKEN).")
    request = urllib.request.Request(
        messages_url(),
        data=json.dumps(body).encode(),
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Bearer {settings.WHATSAPP_TOKEN}",
        },
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.WHATSAPP_TIMEOUT) as answer:
            said = answer.read(64 * 1024)
    except urllib.error.HTTPError as error:
        code, message = _error_of(error.read(4096))
        text = f"HTTP {error.code}, Graph error {code}: {message}"
        if error.code >= 500 or error.code in RETRY_STATUSES or code in RETRY_CODES:
            raise ConnectionError(text) from None
        raise Refused(text) from None
    try:
        return str(json.loads(said)["messages"][0]["id"])
    except (ValueError, KeyError, IndexError, TypeError):
        # Taken (2xx) but not named: not worth sending twice; the status callback names it.
        return ""


def signature_of(body: bytes, secret: str) -> str:
    """The `X-Hub-Signature-256` header Meta sends with `body`."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_valid(body: bytes, header: str | None) -> bool:
    secret = settings.WHATSAPP_APP_SECRET
    if not secret or not header:
        return False
    return hmac.compare_digest(signature_of(body, secret), header.strip())
