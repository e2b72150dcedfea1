"""The production shape on this machine: two web processes (gunicorn) and two Celery workers
against one PostgreSQL and one Redis. An order placed through one web process is seen through
the other, its notification is sent exactly once, and the request's id follows it into the
worker's log."""

import json
import os
import secrets
import socket
import subprocess
import time
import urllib.error
import urllib.request
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.environment import POSTGRES_UP, REDIS_UP, WORKER
from tests.markers import committing
from tests.tokens import api_token_for
from tests.waiting import wait_until

pytestmark = [
    committing,
    pytest.mark.postgres,
    pytest.mark.skipif(not (POSTGRES_UP and REDIS_UP), reason="needs PostgreSQL and Redis"),
]
ROOT = Path(__file__).resolve().parents[2]
BIN = Path(os.sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def call(url: str, token: str, body: dict | None = None):
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        method="POST" if body is not None else "GET",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.loads(answer.read()), dict(answer.headers)
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}"), dict(error.headers)


@pytest.fixture
def production(world, settings, tmp_path):
    """Two gunicorn web processes and two Celery workers, stopped after."""
    database = settings.DATABASES["default"]
    queue = f"pasar-serve-{WORKER}"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("CELERY_")},
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "AUDIT_KEY": secrets.token_urlsafe(40),
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
        ),
        "REDIS_URL": "redis://127.0.0.1:6379/13",
        "CACHE_KEY_PREFIX": queue,
        "CELERY_QUEUE": queue,
        "HTTPS_ONLY": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_MANIFEST": "false",
        "EMAIL_URL": f"filemail:///{tmp_path / 'mail'}",
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "INFO",
        "WEB_CONCURRENCY": "1",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    ports, processes, logs = [free_port(), free_port()], [], []
    for port in ports:
        processes.append(
            subprocess.Popen(
                [BIN / "gunicorn", "pasar.wsgi", "--config", "pasar/gunicorn_conf.py"],
                cwd=ROOT,
                env={**env, "BIND": f"127.0.0.1:{port}"},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
    for number in (1, 2):
        log = tmp_path / f"worker{number}.log"
        logs.append(log)
        processes.append(
            subprocess.Popen(
                [
                    BIN / "celery",
                    "-A",
                    "pasar",
                    "worker",
                    "--pool=solo",
                    "-Q",
                    queue,
                    "-n",
                    f"serve{number}-{WORKER}@%h",
                    "--loglevel=INFO",
                ],
                cwd=ROOT,
                env=env,
                stdout=log.open("w"),
                stderr=subprocess.STDOUT,
            )
        )
    urls = [f"http://127.0.0.1:{port}" for port in ports]

    def ready(url):
        try:
            with urllib.request.urlopen(f"{url}/readyz", timeout=5) as answer:
                return answer.status == 200
        except OSError:
            return False

    try:
        assert wait_until(lambda: all(ready(url) for url in urls), 60), "not ready"
        yield {"web": urls, "mail": tmp_path / "mail", "logs": logs}
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


def sent_mail(folder: Path) -> list[str]:
    if not folder.exists():
        return []
    return [text for path in folder.iterdir() for text in [path.read_text()] if "Subject:" in text]


def test_two_web_processes_and_two_workers_share_one_database(world, production):
    first, second = production["web"]
    requester = api_token_for(world.requester)
    approver = api_token_for(world.approver)
    status, _body, _headers = call(
        f"{first}/api/v1/cart/items/", requester, {"product": world.rice.pk, "quantity": "100"}
    )
    assert status == 201
    status, placed, headers = call(
        f"{first}/api/v1/cart/checkout/",
        requester,
        {
            "department": "DISDIK",
            "budget_line": world.line.pk,
            "approver": world.approver.username,
            "delivery_address": "Kantor Dinas Pendidikan",
            "delivery_date": (date.today() + timedelta(days=7)).isoformat(),
        },
    )
    assert status == 201, placed
    (order,) = placed
    status, seen, _headers = call(f"{second}/api/v1/orders/{order['id']}/", approver)
    assert status == 200 and seen["number"] == order["number"]

    assert wait_until(lambda: len(sent_mail(production["mail"])) >= 1, 30)
    time.sleep(3)  # a second delivery, if any, would have come by now
    (message,) = sent_mail(production["mail"])
    assert world.approver.email in message and order["number"] in message

    request_id = headers["X-Request-ID"]
    lines = [
        json.loads(line)
        for log in production["logs"]
        for line in log.read_text().splitlines()
        if line.startswith("{")
    ]
    sent = [line for line in lines if line["message"].startswith("Outbox message")]
    assert len(sent) == 1 and sent[0]["request_id"] == request_id
