"""The shared cache on Redis, failing open: while Redis cannot be reached, a read is a miss and a
write is dropped, instead of an error that would turn a checkout into a 500."""

import functools
import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


def _fail_open(answer):
    """Run the cache operation; when Redis is away, log it and return `answer(args, kwargs)`."""

    def decorate(operation):
        @functools.wraps(operation)
        def run(self, *args, **kwargs):
            try:
                return operation(self, *args, **kwargs)
            except UNREACHABLE as error:
                logger.warning("The cache cannot be reached, going on without it: %s", error)
                return answer(args, kwargs)

        return run

    return decorate


def _default(args, kwargs):
    return args[1] if len(args) > 1 else kwargs.get("default")


class FailOpenRedisCache(RedisCache):
    """Django's RedisCache, failing open. Everything kept here can be done without: counts and
    spelling corrections kept for speed, report figures, the heartbeat /readyz reads (a miss
    there reads as "no worker heard", which is true enough while Redis is away), and DRF's rate
    limits, which do not limit while Redis is away; the lock-out by username (django-axes) is
    kept in the database and still holds. `add` answers "stored", so what it guards (an audit
    event once per window) is done again rather than never. Only `incr`, `decr` and `clear`,
    whose callers need the answer, still raise."""

    get = _fail_open(_default)(RedisCache.get)
    get_many = _fail_open(lambda args, kwargs: {})(RedisCache.get_many)
    has_key = _fail_open(lambda args, kwargs: False)(RedisCache.has_key)
    add = _fail_open(lambda args, kwargs: True)(RedisCache.add)
    set = _fail_open(lambda args, kwargs: None)(RedisCache.set)
    set_many = _fail_open(lambda args, kwargs: list(args[0] if args else kwargs["data"]))(
        RedisCache.set_many
    )
    touch = _fail_open(lambda args, kwargs: False)(RedisCache.touch)
    delete = _fail_open(lambda args, kwargs: False)(RedisCache.delete)
    delete_many = _fail_open(lambda args, kwargs: None)(RedisCache.delete_many)
