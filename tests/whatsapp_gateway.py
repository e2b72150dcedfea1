"""A fake WhatsApp gateway on loopback: it records every POST and answers with the statuses a
test scripts (200 once the script runs out), optionally slowly, or holds requests unanswered
until released; and, as a real gateway may, it can drop a repeat of an Idempotency-Key it has
already accepted (answered 200, not delivered again)."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeWhatsAppGateway:
    def __init__(self):
        self.received: list[dict] = []  # {"headers": {...}, "json": {...}, "status": int}
        self.script: list[int] = []
        self.delay = 0.0
        self.deduplicates = False
        self._holding = threading.Event()  # while set, requests wait for _released
        self._released = threading.Event()
        self._lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                key = self.headers.get("Idempotency-Key")
                with gateway._lock:
                    status = gateway.script.pop(0) if gateway.script else 200
                    repeat = gateway.deduplicates and any(
                        request["headers"].get("Idempotency-Key") == key and request["status"] < 300
                        for request in gateway.received
                    )
                    gateway.received.append(
                        {
                            "headers": dict(self.headers),
                            "json": json.loads(body),
                            "status": 200 if repeat else status,
                            "repeat": repeat,
                        }
                    )
                if gateway._holding.is_set():
                    gateway._released.wait(60)
                time.sleep(gateway.delay)
                answer = json.dumps({"ok": status < 400}).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer)
                except (BrokenPipeError, ConnectionResetError):  # the sender was killed
                    pass

            def log_message(self, *args):  # quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1/messages"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> "FakeWhatsAppGateway":
        self._thread.start()
        return self

    def hold(self) -> None:
        """Requests from now on are received (and recorded) but not answered until release()."""
        self._released.clear()
        self._holding.set()

    def release(self) -> None:
        self._holding.clear()
        self._released.set()

    def stop(self) -> None:
        self.release()
        self.server.shutdown()
        self.server.server_close()

    def delivered(self) -> list[dict]:
        """The bodies the gateway accepted (2xx) and delivered (not dropped as repeats)."""
        return [
            request["json"]
            for request in self.received
            if request["status"] < 300 and not request["repeat"]
        ]
