"""Real services for the fault tests: a Redis of the test's own that can be stopped and started
again, the app pointed at it, and Celery workers as separate processes that can be killed."""

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from celery import Celery

from pasar import celery as project_celery
from tests.environment import POSTGRES_UP
from tests.waiting import wait_until
from worker.heartbeat import HEARTBEAT_KEY

REDIS_SERVER = Path("/usr/bin/redis-server")
ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
QUEUE = "faults"
NOTHING_ON_DISK = ["--save", "", "--appendonly", "no", "--protected-mode", "no"]
# One task at a time, in the worker's own process; no chatter with other workers (faster start).
WORKER = ["--pool=solo", "--concurrency=1", "-Q", QUEUE, "--loglevel=INFO"]
WORKER += ["--without-gossip", "--without-mingle", "--without-heartbeat"]

# For the modules here: PostgreSQL (the worker process must see the test's rows) and Redis.
needs_services = pytest.mark.skipif(
    not (POSTGRES_UP and REDIS_SERVER.exists()),
    reason="needs PostgreSQL on localhost and /usr/bin/redis-server",
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as redis:
            redis.sendall(b"PING\r\n")
            return redis.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class RedisServer:
    """redis-server on a loopback port of its own, nothing kept on disk; stopped and started
    again on the same port, as an operator restarting it would."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self) -> "RedisServer":
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", *NOTHING_ON_DISK],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if not wait_until(lambda: _answers_ping(self.port), 10):
            raise RuntimeError("redis-server did not start")
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def private_redis(settings):
    """A Redis of this test's own as the app's broker and cache (Celery not eager any more)."""
    server = RedisServer().start()
    settings.REDIS_URL = settings.CELERY_BROKER_URL = server.url
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CACHES = {  # as pasar/settings.py makes it when REDIS_URL is set
        "default": {
            "BACKEND": "pasar.cache.FailOpenRedisCache",
            "LOCATION": server.url,
            "KEY_PREFIX": "faults",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
    # The project's Celery app read its settings when first used: one of the test's own, with
    # the same settings on this broker, publishes the outbox while the test runs.
    app = Celery("pasar-faults")
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(task_default_queue=QUEUE)
    app.set_current()
    try:
        yield server
    finally:
        app.close()
        project_celery.app.set_current()
        server.stop()


class Workers:
    """`celery -A pasar worker` processes against the private Redis and the test database,
    each in a process group of its own so that it can be killed with its children."""

    def __init__(self, settings, redis: RedisServer, folder: Path):
        database = settings.DATABASES["default"]
        self.mail = folder / "mail"
        self.environment = {
            **{name: value for name, value in os.environ.items() if not name.startswith("CELERY")},
            "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}",
            "REDIS_URL": redis.url,
            "CACHE_KEY_PREFIX": "faults",
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "CELERY_QUEUE": QUEUE,
            "EMAIL_URL": f"filemail:///{self.mail}",
            "WHATSAPP_API_BASE": settings.WHATSAPP_API_BASE,
            "WHATSAPP_PHONE_NUMBER_ID": settings.WHATSAPP_PHONE_NUMBER_ID,
            "WHATSAPP_TOKEN": settings.WHATSAPP_TOKEN,
            # Longer than the test: a send the Cloud API holds is still waiting when it is killed.
            "WHATSAPP_TIMEOUT": "60",
            "LOG_FORMAT": "text",
            "LOG_LEVEL": "INFO",
        }
        self.folder = folder
        self.processes: list[subprocess.Popen] = []

    def start(self) -> subprocess.Popen:
        """A worker (solo pool: the task runs in the process itself), once it said it is ready."""
        from django.core.cache import cache

        cache.delete(HEARTBEAT_KEY)
        number = len(self.processes) + 1
        log = self.folder / f"worker{number}.log"
        process = subprocess.Popen(
            [BIN / "celery", "-A", "pasar", "worker", "-n", f"faults{number}@%h", *WORKER],
            cwd=ROOT,
            env=self.environment,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.append(process)
        # worker_ready sets the heartbeat (worker.heartbeat) in the shared cache.
        started = wait_until(lambda: cache.get(HEARTBEAT_KEY) or process.poll() is not None, 20)
        assert started and process.poll() is None, log.read_text()
        return process

    def kill(self, process: subprocess.Popen) -> None:
        """SIGKILL the worker and whatever it started: no shutdown, no acknowledgement."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.kill(process)

    def sent_mail(self) -> list[str]:
        """The X-Pasar-Reference of every e-mail the workers sent, repeats included."""
        if not self.mail.exists():
            return []
        return [
            reference
            for path in sorted(self.mail.iterdir())
            for reference in re.findall(r"^X-Pasar-Reference: (\S+)$", path.read_text(), re.M)
        ]


@pytest.fixture
def workers(settings, private_redis, whatsapp_cloud, tmp_path):
    """Start workers with `workers.start()`; every one is stopped after the test."""
    running = Workers(settings, private_redis, tmp_path)
    try:
        yield running
    finally:
        whatsapp_cloud.release()  # a worker waiting on the Cloud API can stop
        running.stop_all()
