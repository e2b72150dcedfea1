"""A fake WhatsApp Cloud API on a loopback port, for the tests and the demo (`manage.py
demo_whatsapp_server`): no account, no phone, nothing leaves the machine.

It takes `POST /<version>/<phone-number-id>/messages` as the Cloud API does (bearer token,
JSON body), records each, and answers with a new wamid, or with the statuses a test scripts
(a Graph error body), optionally slowly, or holding requests until released. Given the app's
webhook address and app secret it posts the status callbacks Meta would ("sent", "delivered"),
signed as Meta signs them. The module's functions build the webhooks Meta posts when a person
taps a button or writes back, for the tests and for `manage.py whatsapp_reply`.
"""

import itertools
import json
import re
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from worker.cloud_api import signature_of

MESSAGES_PATH = re.compile(r"^/v[\d.]+/(?P<phone_id>\d+)/messages$")
_numbers = itertools.count(1)


def wamid() -> str:
    return f"wamid.FAKE{int(time.time() * 1000)}{next(_numbers):06d}"


# --- What Meta posts -------------------------------------------------------------------------


def webhook(phone_number_id: str, *, messages=(), statuses=(), contacts=()) -> dict:
    """A webhook body as Meta posts it (one entry, one change)."""
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "6281100000000", "phone_number_id": phone_number_id},
    }
    if contacts:
        value["contacts"] = list(contacts)
    if messages:
        value["messages"] = list(messages)
    if statuses:
        value["statuses"] = list(statuses)
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "WABA-FAKE", "changes": [{"field": "messages", "value": value}]}],
    }


def button_reply(*, sender: str, payload: str, text: str, replying_to: str = "") -> dict:
    """A person tapped a template's quick-reply button."""
    message = {
        "from": sender.lstrip("+"),
        "id": wamid(),
        "timestamp": str(int(time.time())),
        "type": "button",
        "button": {"payload": payload, "text": text},
    }
    if replying_to:
        message["context"] = {"from": "6281100000000", "id": replying_to}
    return message


def text_reply(*, sender: str, text: str) -> dict:
    return {
        "from": sender.lstrip("+"),
        "id": wamid(),
        "timestamp": str(int(time.time())),
        "type": "text",
        "text": {"body": text},
    }


def status(*, message_id: str, state: str, recipient: str, reference: str = "") -> dict:
    found = {
        "id": message_id,
        "status": state,
        "timestamp": str(int(time.time())),
        "recipient_id": recipient.lstrip("+"),
    }
    if reference:
        found["biz_opaque_callback_data"] = reference
    return found


def signed(body: dict, secret: str) -> tuple[bytes, dict]:
    """The body as bytes and the headers Meta sends with it."""
    raw = json.dumps(body).encode()
    return raw, {
        "Content-Type": "application/json",
        "X-Hub-Signature-256": signature_of(raw, secret),
    }


def post_webhook(url: str, body: dict, secret: str, timeout: float = 10) -> tuple[int, str]:
    """Post a signed webhook to the app, as Meta does; (HTTP status, answer)."""
    raw, headers = signed(body, secret)
    request = urllib.request.Request(url, data=raw, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status, answer.read(2000).decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read(2000).decode(errors="replace")


def quick_reply_payloads(body: dict) -> list[str]:
    """The payloads of a template message's quick-reply buttons, in order."""
    components = (body.get("template") or {}).get("components") or []
    return [
        component["parameters"][0]["payload"]
        for component in components
        if component.get("type") == "button" and component.get("sub_type") == "quick_reply"
    ]


# --- The fake server -------------------------------------------------------------------------


class FakeCloudApi:
    def __init__(self, *, token: str, phone_number_id: str, port: int = 0):
        self.token, self.phone_number_id = token, phone_number_id
        self.received: list[dict] = []  # {"path", "headers", "json", "status", "wamid"}
        self.script: list[int | tuple[int, int]] = []  # HTTP status, or (status, Graph code)
        self.delay = 0.0
        # Where status callbacks go (the app's webhook) and the secret they are signed with.
        self.webhook_url, self.app_secret = "", ""
        self._holding, self._released = threading.Event(), threading.Event()
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                fake._take(self)

            def log_message(self, *args):  # quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.address = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.api_base = f"{self.address}/v21.0"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> "FakeCloudApi":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release()
        self.server.shutdown()
        self.server.server_close()

    def hold(self) -> None:
        """Requests from now on are received (and recorded) but not answered until release()."""
        self._released.clear()
        self._holding.set()

    def release(self) -> None:
        self._holding.clear()
        self._released.set()

    def _answer_of(self, handler, body) -> tuple[int, dict]:
        route = MESSAGES_PATH.match(handler.path)
        if not route or route["phone_id"] != self.phone_number_id:
            return 404, _error(100, "Unknown path components")
        if handler.headers.get("Authorization") != f"Bearer {self.token}":
            return 401, _error(190, "Invalid OAuth access token")
        if not isinstance(body, dict) or body.get("messaging_product") != "whatsapp":
            return 400, _error(100, "Invalid parameter: messaging_product")
        if not str(body.get("to", "")).isdigit() or body.get("type") not in (
            "template",
            "text",
            "document",
        ):
            return 400, _error(100, "Invalid parameter")
        scripted = self.script.pop(0) if self.script else 200
        # A bare status: the Graph error that comes with it (100: a bad parameter, never retried).
        answer, code = scripted if isinstance(scripted, tuple) else (scripted, 100)
        if answer >= 400:
            return answer, _error(code, "Scripted failure")
        return 200, {
            "messaging_product": "whatsapp",
            "contacts": [{"input": body["to"], "wa_id": body["to"]}],
            "messages": [{"id": wamid()}],
        }

    def _take(self, handler) -> None:
        raw = handler.rfile.read(int(handler.headers.get("Content-Length", 0) or 0))
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        with self._lock:
            answer, said = self._answer_of(handler, body)
            self.received.append(
                {
                    "path": handler.path,
                    "headers": dict(handler.headers),
                    "json": body,
                    "status": answer,
                    "wamid": said["messages"][0]["id"] if answer == 200 else "",
                }
            )
        if self._holding.is_set():
            self._released.wait(60)
        time.sleep(self.delay)
        data = json.dumps(said).encode()
        try:
            handler.send_response(answer)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(data)))
            handler.end_headers()
            handler.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the sender was killed
            return
        if answer == 200 and self.webhook_url and self.app_secret:
            threading.Thread(target=self._tell_statuses, args=(body, said), daemon=True).start()

    def status_webhook(self, request: dict, state: str = "sent") -> dict:
        """The status callback Meta would post for a request this fake took."""
        return webhook(
            self.phone_number_id,
            statuses=[
                status(
                    message_id=request["wamid"],
                    state=state,
                    recipient=request["json"]["to"],
                    reference=request["json"].get("biz_opaque_callback_data", ""),
                )
            ],
        )

    def _tell_statuses(self, body: dict, said: dict) -> None:
        request = {"json": body, "wamid": said["messages"][0]["id"]}
        for state in ("sent", "delivered"):
            try:
                post_webhook(self.webhook_url, self.status_webhook(request, state), self.app_secret)
            except OSError:
                return  # the app is not listening (yet): Meta would try again; this fake not

    def delivered(self) -> list[dict]:
        """The bodies taken (answered 200), in order."""
        return [request["json"] for request in self.received if request["status"] == 200]


def _error(code: int, message: str) -> dict:
    return {"error": {"message": message, "type": "OAuthException", "code": code}}


def body_texts(body: dict) -> list[str]:
    """The texts of a template message's body parameters, in order."""
    components = (body.get("template") or {}).get("components") or []
    return [
        parameter.get("text", "")
        for component in components
        if component.get("type") == "body"
        for parameter in component.get("parameters", [])
    ]
