"""The test environment, set before Django reads its settings (loaded by `-p tests.environment`).

PostgreSQL and Redis on localhost are used when they answer, and are required under CI=true;
otherwise the suite runs on SQLite with local-memory cache. TEST_DATABASE=sqlite forces SQLite.
"""

import os
import socket

import pytest


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


IN_CI = os.environ.get("CI", "").lower() == "true"
FORCE_SQLITE = os.environ.get("TEST_DATABASE", "").lower() == "sqlite"
POSTGRES_UP = not FORCE_SQLITE and _answers(5432)
REDIS_UP = not FORCE_SQLITE and _answers(6379)
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-" + "x1y2z3" * 8)
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("HTTPS_ONLY", "false")  # the test client and browser speak plain HTTP
os.environ.setdefault("STATIC_MANIFEST", "false")  # serve from the apps, no collectstatic
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
os.environ.setdefault("MEDIA_ROOT", f"/tmp/pasar-test-media-{WORKER}")
os.environ.setdefault("PRIVATE_MEDIA_ROOT", f"/tmp/pasar-test-private-{WORKER}")
# Playwright's sync API runs an event loop in the test's thread; Django must still allow ORM use.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
if POSTGRES_UP:
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pasar")
else:
    os.environ["DATABASE_URL"] = "sqlite:///:memory:"
if REDIS_UP:
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
    os.environ.setdefault("CACHE_KEY_PREFIX", f"pasar-test-{WORKER}")
else:
    os.environ.pop("REDIS_URL", None)


def pytest_configure(config):
    if IN_CI and not (POSTGRES_UP and REDIS_UP):
        raise pytest.UsageError(
            "CI=true requires PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379."
        )


def pytest_report_header(config):
    database = "PostgreSQL" if POSTGRES_UP else "SQLite"
    return f"pasar: database {database}, redis {'yes' if REDIS_UP else 'no'}"
