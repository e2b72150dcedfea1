"""A fake WhatsApp gateway on loopback: it records every POST and answers with the statuses a
test scripts (200 once the script runs out), optionally slowly."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeWhatsAppGateway:
    def __init__(self):
        self.received: list[dict] = []  # {"headers": {...}, "json": {...}, "status": int}
        self.script: list[int] = []
        self.delay = 0.0
        self._lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with gateway._lock:
                    status = gateway.script.pop(0) if gateway.script else 200
                    gateway.received.append(
                        {"headers": dict(self.headers), "json": json.loads(body), "status": status}
                    )
                time.sleep(gateway.delay)
                answer = json.dumps({"ok": status < 400}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):  # quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1/messages"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> "FakeWhatsAppGateway":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def delivered(self) -> list[dict]:
        """The bodies the gateway accepted (2xx)."""
        return [request["json"] for request in self.received if request["status"] < 300]
