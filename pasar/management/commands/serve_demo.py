"""`make demo`'s last step: the demo served the way production runs, on one machine with nothing
to install.

- A Celery worker with beat beside the web process: on Redis when REDIS_URL is set, else on
  kombu's file-system transport (CELERY_BROKER_URL=filesystem://, folders under var/celery/)
  with a file cache the two share (var/cache/). Exports, e-mail and schedules run there, so an
  export's progress is seen moving on its page.
- Without a Stripe key, a test card server (localstripe, `manage.py demo_card_server`) on a free
  loopback port (STRIPE_TEST_SERVER), so that the treasurer can pay by card; the pay page says
  it is one.
- Without a WhatsApp token, a fake WhatsApp Cloud API (`manage.py demo_whatsapp_server`) on
  WHATSAPP_TEST_SERVER's port (or a free one), which takes the messages and posts Meta's status
  callbacks back; the administrator reads what was sent under "WhatsApp messages".

Each runs as a child process with the environment the others need; stopping this one (Ctrl-C)
stops them all.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

MANAGE = str(Path(settings.BASE_DIR) / "manage.py")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def demo_environment(
    environment: dict, *, port: int, card_port: int, whatsapp_port: int | None = None
) -> dict:
    """The environment of the demo's processes: what `environment` sets, and for what it
    leaves out, the demo's own broker, cache and card server."""
    demo = dict(environment)
    demo.setdefault("SITE_URL", f"http://127.0.0.1:{port}")
    if not demo.get("REDIS_URL") and not demo.get("CELERY_BROKER_URL"):
        demo["CELERY_BROKER_URL"] = "filesystem://"
        demo.setdefault("CACHE_URL", f"filecache://{Path(settings.BASE_DIR) / 'var' / 'cache'}")
    if not demo.get("STRIPE_SECRET_KEY"):
        demo["STRIPE_TEST_SERVER"] = f"http://127.0.0.1:{card_port}"
    if not demo.get("WHATSAPP_TOKEN") and not demo.get("WHATSAPP_TEST_SERVER"):
        demo["WHATSAPP_TEST_SERVER"] = f"http://127.0.0.1:{whatsapp_port or free_port()}"
    return demo


def _answers(port: int, seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return True
        except OSError:
            time.sleep(0.2)
    return False


class Command(BaseCommand):
    help = (
        "Serve the demo with its worker (and a test card server and a fake WhatsApp Cloud API "
        "when no Stripe key and no WhatsApp token are set)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, port: int, **options):
        if not settings.DEBUG:
            raise CommandError("serve_demo serves the demo (DEBUG=true); production: make serve.")
        card_port = free_port()
        environment = demo_environment(dict(os.environ), port=port, card_port=card_port)
        # A stop (SIGTERM) unwinds like Ctrl-C, so that the children are stopped too.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        children: list[subprocess.Popen] = []
        try:
            if environment.get("STRIPE_TEST_SERVER"):
                children.append(self._start([MANAGE, "demo_card_server"], environment))
                if not _answers(card_port):
                    raise CommandError("The test card server did not start.")
                self.stdout.write(
                    f"Card payments: a test card server at {environment['STRIPE_TEST_SERVER']} "
                    "(no Stripe key set; card 4242 4242 4242 4242)."
                )
            if environment.get("WHATSAPP_TEST_SERVER"):
                children.append(self._start([MANAGE, "demo_whatsapp_server"], environment))
                whatsapp_port = int(environment["WHATSAPP_TEST_SERVER"].rsplit(":", 1)[1])
                if not _answers(whatsapp_port):
                    raise CommandError("The fake WhatsApp server did not start.")
                self.stdout.write(
                    f"WhatsApp: a fake Cloud API at {environment['WHATSAPP_TEST_SERVER']} (no "
                    "WHATSAPP_TOKEN set); messages sent: /admin/worker/whatsappmessage/."
                )
            worker = ["-m", "celery", "-A", "pasar", "worker", "--beat", "--concurrency=1"]
            children.append(self._start([*worker, "--loglevel=warning"], environment))
            broker = environment.get("CELERY_BROKER_URL") or "Redis"
            self.stdout.write(f"Worker: Celery on {broker}.")
            subprocess.run(
                [sys.executable, MANAGE, "runserver", f"127.0.0.1:{port}", "--noreload"],
                env=environment,
                check=False,
            )
        except KeyboardInterrupt:
            pass
        finally:
            for child in reversed(children):
                child.terminate()
            for child in children:
                try:
                    child.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    child.kill()

    def _start(self, arguments: list[str], environment: dict) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, *arguments], env=environment, cwd=settings.BASE_DIR
        )
