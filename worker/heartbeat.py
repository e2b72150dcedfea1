"""A worker says it is alive: beat runs `worker.heartbeat` every 30 seconds and a worker says
so when it starts. The readiness probe (pasar.health) reads it."""

import time

from django.core.cache import cache

HEARTBEAT_KEY = "pasar:worker-heartbeat"
HEARTBEAT_FRESH_SECONDS = 60


def worker_heard() -> None:
    """A worker is alive (the heartbeat task, a worker starting)."""
    cache.set(HEARTBEAT_KEY, time.time(), 10 * HEARTBEAT_FRESH_SECONDS)


def worker_heard_seconds_ago() -> int | None:
    """How long ago a worker was last heard from; None when none was (or it was long ago).
    Raises what the cache raises when it is down."""
    heard = cache.get(HEARTBEAT_KEY)
    return None if heard is None else round(time.time() - heard)
