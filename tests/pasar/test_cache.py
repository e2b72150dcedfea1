"""The shared cache fails open: with Redis unreachable, reads miss and writes are dropped."""

import socket

from pasar.cache import FailOpenRedisCache


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_cache_whose_redis_is_down_misses_and_drops_instead_of_raising():
    cache = FailOpenRedisCache(f"redis://127.0.0.1:{closed_port()}/0", {"KEY_PREFIX": "t"})
    assert cache.get("count") is None and cache.get("count", 7) == 7
    assert cache.get_or_set("count", 3) == 3
    assert cache.get_many(["a", "b"]) == {} and cache.has_key("a") is False
    assert cache.set("a", 1) is None and cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
    # What `add` guards (an audit event once per window) is done again, rather than never.
    assert cache.add("audited:x", 1) is True
    assert cache.touch("a") is False and cache.delete("a") is False
    assert cache.delete_many(["a"]) is None
