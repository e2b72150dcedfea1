"""Helpers for card payment tests: the official SDK driven through a fake transport
(stripe.HTTPClient) that plays Stripe's part, and webhook payloads signed by the SDK's own
WebhookSignature. Nothing here talks to the internet."""

import json
import threading
import time
from urllib.parse import parse_qsl, urlsplit

import stripe

WEBHOOK_SECRET = "whsec_test_pasar"


class FakeStripe(stripe.HTTPClient):
    """Answers PaymentIntent and Refund calls as Stripe would; remembers every request."""

    name = "fake"

    def __init__(self):
        super().__init__()
        self.requests: list[dict] = []
        self.intents: dict[str, dict] = {}
        self.by_key: dict[str, dict] = {}
        self.refund_status = "succeeded"
        self.refusal: dict | None = None  # a refund Stripe refuses: {"message", "code", "param"}
        self.down = False
        self.form_by_key: dict[str, dict] = {}
        # A slow Stripe: while `hold` is set to an unset Event, every call waits for it.
        self.hold: threading.Event | None = None
        self.asked = threading.Event()  # a call has come in

    def request(self, method, url, headers, post_data=None, *, _usage=None):
        self.asked.set()
        if self.hold is not None:
            self.hold.wait(timeout=60)
        if self.down:
            raise stripe.APIConnectionError("Stripe cannot be reached (fake)")
        path = urlsplit(url).path
        form = dict(
            parse_qsl(post_data.decode() if isinstance(post_data, bytes) else post_data or "")
        )
        key = (headers or {}).get("Idempotency-Key")
        self.requests.append({"method": method, "path": path, "form": form, "key": key})
        if key and key in self.form_by_key and self.form_by_key[key] != form:
            return (
                _error(
                    "idempotency_error",
                    "Keys for idempotent requests can only be used "
                    "with the same parameters they were first used with.",
                ),
                400,
                {},
            )
        if key and key in self.by_key:
            status, answer = self.by_key[key]
            return json.dumps(answer), status, {}
        if key:
            self.form_by_key[key] = form
        if method == "post" and path == "/v1/payment_intents":
            number = len(self.intents) + 1
            intent = {
                "id": f"pi_fake{number}",
                "object": "payment_intent",
                "amount": int(form["amount"]),
                "currency": form["currency"],
                "status": "requires_payment_method",
                "client_secret": f"pi_fake{number}_secret_abc",
                "metadata": {k[9:-1]: v for k, v in form.items() if k.startswith("metadata[")},
            }
            self.intents[intent["id"]] = intent
            answer = intent
        elif method == "get" and path.startswith("/v1/payment_intents/"):
            answer = self.intents[path.rsplit("/", 1)[-1]]
        elif method == "post" and path == "/v1/refunds" and self.refusal:
            answer = {"error": {"type": "invalid_request_error", **self.refusal}}
            if key:
                self.by_key[key] = 400, answer  # Stripe keeps a refusal under its key too
            return json.dumps(answer), 400, {}
        elif method == "post" and path == "/v1/refunds":
            answer = {
                "id": f"re_fake{len(self.requests)}",
                "object": "refund",
                "amount": int(form["amount"]),
                "payment_intent": form["payment_intent"],
                "status": self.refund_status,
            }
        else:
            return json.dumps({"error": {"message": f"not faked: {method} {path}"}}), 404, {}
        if key:
            self.by_key[key] = 200, answer
        return json.dumps(answer), 200, {}

    def calls(self, method: str, path: str) -> list[dict]:
        return [r for r in self.requests if r["method"] == method and r["path"] == path]


def _error(kind: str, message: str) -> str:
    return json.dumps({"error": {"type": kind, "message": message}})


def event(kind: str, obj: dict, *, event_id: str | None = None) -> dict:
    return {
        "id": event_id or f"evt_{kind.replace('.', '_')}_{obj.get('id')}",
        "object": "event",
        "type": kind,
        "created": int(time.time()),
        "data": {"object": obj},
    }


def signed(body: dict, *, secret: str = WEBHOOK_SECRET, at: int | None = None) -> dict:
    """The request Stripe would send: the JSON and its Stripe-Signature header."""
    payload = json.dumps(body)
    header = stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp=at)
    return {"data": payload, "content_type": "application/json", "HTTP_STRIPE_SIGNATURE": header}
