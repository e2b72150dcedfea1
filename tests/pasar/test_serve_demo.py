"""`make demo` serves through `manage.py serve_demo`: the web process with a Celery worker on the
file-system broker (no Redis) and, without Stripe keys, the test card server; stopping it stops
them all."""

import json
import os
import re
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from pasar.management.commands.serve_demo import _answers, free_port
from tests.environment import POSTGRES_UP
from tests.markers import committing
from tests.waiting import wait_until

pytestmark = [
    committing,
    pytest.mark.postgres,
    pytest.mark.skipif(not POSTGRES_UP, reason="the demo's processes share the test database"),
]
ROOT = Path(__file__).resolve().parents[2]


def _get(url: str):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read()
    except OSError:
        return None, b""


def test_the_demo_serves_with_a_worker_on_files_and_a_test_card_server(tmp_path):
    database = connection.settings_dict
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("CELERY_", "STRIPE_", "CACHE_", "REDIS_", "DJANGO_ALLOW"))
    }
    environment.update(
        DEBUG="true",
        DATABASE_URL=f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
        f"{database['NAME']}",
        CELERY_BROKER_FOLDER=str(tmp_path / "celery"),
        CACHE_URL=f"filecache://{tmp_path / 'cache'}",
    )
    port = free_port()
    demo = subprocess.Popen(
        [sys.executable, "manage.py", "serve_demo", "--port", str(port)],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        said = demo.stdout.readline()
        card_server = re.search(r"http://127\.0\.0\.1:(\d+)", said)
        assert card_server, said
        status, script = _get(f"{card_server[0]}/js.stripe.com/v3/")
        assert status == 200 and b"localstripe" in script

        def ready():
            status, body = _get(f"http://127.0.0.1:{port}/readyz")
            return status == 200 and json.loads(body)

        assert wait_until(ready, seconds=60), _get(f"http://127.0.0.1:{port}/readyz")
        checks = ready()
        assert checks["broker"] == {"ok": True, "mode": "filesystem"}
        assert checks["worker"]["ok"] is True  # a worker was heard from, through the file cache
    finally:
        demo.send_signal(signal.SIGTERM)
        demo.wait(timeout=30)
    assert not _answers(int(card_server[1]), seconds=1), "the card server was stopped too"
