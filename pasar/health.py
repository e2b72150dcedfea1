"""Probes for the load balancer and the orchestrator.

`/healthz` (liveness): the process answers; nothing else, so a database outage does not get
every web process restarted. `/readyz` (readiness): the database answers, every migration is
applied, the broker answers, and a Celery worker was heard from in the last minute (beat runs
`worker.heartbeat` every 30 seconds, and a worker says so when it starts). 503 until all hold.
"""

import kombu
from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from worker.heartbeat import HEARTBEAT_FRESH_SECONDS, worker_heard_seconds_ago

_migrated = False  # once all are applied in this process's code, they stay applied


def _database_state() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return {"ok": False, "engine": connection.vendor, "error": error.__class__.__name__}
    return {"ok": True, "engine": connection.vendor}


def _migrations_state() -> dict:
    global _migrated
    if not _migrated:
        try:
            executor = MigrationExecutor(connection)
            waiting = executor.migration_plan(executor.loader.graph.leaf_nodes())
        except DatabaseError as error:
            return {"ok": False, "error": error.__class__.__name__}
        if waiting:
            return {"ok": False, "waiting": len(waiting)}
        _migrated = True
    return {"ok": True}


def _broker_state() -> dict:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"ok": True, "mode": "eager"}  # tasks run inside the web process
    mode = settings.CELERY_BROKER_URL.split(":", 1)[0]  # redis; the demo's filesystem
    try:
        with kombu.Connection(
            settings.CELERY_BROKER_URL,
            connect_timeout=1,
            transport=settings.CELERY_BROKER_TRANSPORT,
            transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
        ) as broker:
            broker.ensure_connection(max_retries=1, timeout=1)
    except Exception as error:  # any transport failure means "down"; never a 500 here
        return {"ok": False, "mode": mode, "error": error.__class__.__name__}
    return {"ok": True, "mode": mode}


def _worker_state() -> dict:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"ok": True, "mode": "eager"}
    try:
        ago = worker_heard_seconds_ago()
    except Exception as error:  # the cache is Redis: down means no worker can be seen
        return {"ok": False, "error": error.__class__.__name__}
    if ago is None:
        return {"ok": False, "seconds_ago": None}
    return {"ok": ago <= HEARTBEAT_FRESH_SECONDS, "seconds_ago": ago}


@never_cache
@require_GET
def healthz(request):
    return JsonResponse({"status": "alive"})


@never_cache
@require_GET
def readyz(request):
    checks = {"database": _database_state()}
    checks["migrations"] = _migrations_state() if checks["database"]["ok"] else {"ok": False}
    checks["broker"] = _broker_state()
    checks["worker"] = _worker_state()
    ready = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ready" if ready else "not ready", **checks}, status=200 if ready else 503
    )
