"""The tolerant Redis cache (``coachmaster.cache``): with Redis at a closed port it answers from
memory, stops asking Redis for a while after a failure, and logs the outage rarely; with real
Redis it is Django's Redis cache."""

from __future__ import annotations

import logging
import time

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCacheClient

from coachmaster.cache import TolerantRedisCache

from .services import closed_port, redis_url, tolerant_cache_at


def make_cache(url: str, **extra) -> TolerantRedisCache:
    params = tolerant_cache_at(url, **extra)["default"]
    return TolerantRedisCache(params["LOCATION"], params)


@pytest.fixture
def down():
    return make_cache(redis_url(closed_port()))


@pytest.fixture
def redis_calls(monkeypatch):
    calls = []
    original = RedisCacheClient.get

    def counting(self, key, default):
        calls.append(key)
        return original(self, key, default)

    monkeypatch.setattr(RedisCacheClient, "get", counting)
    return calls


def test_every_cache_call_answers_while_redis_is_down(down):
    assert down.get("missing", "default") == "default"
    down.set("a", 1)
    down.set_many({"b": 2, "c": 3})
    assert down.get_many(["a", "b", "c"]) == {"a": 1, "b": 2, "c": 3}
    assert down.has_key("a")
    assert down.add("a", 9) is False
    assert down.incr("a", 4) == 5
    assert down.decr("a") == 4
    assert down.touch("a", 10) is True
    assert down.get_or_set("d", 7) == 7
    down.delete_many(["b", "c"])
    assert down.delete("a") is True
    down.clear()
    assert down.get("d") is None
    with pytest.raises(ValueError):
        down.incr("never-set")  # as with Redis
    assert down.is_down


def test_after_a_failure_redis_is_left_alone_until_the_retry_time(down, redis_calls):
    started = time.monotonic()
    for _ in range(200):
        down.get("x")
    assert len(redis_calls) == 1  # one refused connection, then memory only
    assert time.monotonic() - started < 2

    down._down_until = time.monotonic()  # the retry time has come
    down.get("x")
    assert len(redis_calls) == 2


def test_the_outage_is_logged_once_then_at_most_once_per_interval(caplog):
    cache = make_cache(redis_url(closed_port()), RETRY_AFTER=0, LOG_EVERY=0.3)
    with caplog.at_level(logging.ERROR, logger="coachmaster.cache"):
        for _ in range(20):
            cache.get("x")
        assert len(caplog.records) == 1
        time.sleep(0.35)
        cache.get("x")
    assert len(caplog.records) == 2
    assert "still unavailable (20 failed attempts" in caplog.records[1].getMessage()


@pytest.mark.services
def test_with_redis_up_it_is_the_redis_cache(settings):
    """The configured cache is this backend, and values go to Redis (another instance, with no
    shared memory, reads them)."""
    assert settings.CACHES["default"]["BACKEND"] == "coachmaster.cache.TolerantRedisCache"
    options = settings.CACHES["default"]["OPTIONS"]
    assert options["socket_connect_timeout"] == options["socket_timeout"] == 1.0
    writer = caches["default"]
    reader = TolerantRedisCache(settings.CACHES["default"]["LOCATION"], settings.CACHES["default"])
    writer.set("shared-value", {"n": 1}, 30)
    assert reader.get("shared-value") == {"n": 1}
    assert not writer.is_down and not reader.is_down
    writer.delete("shared-value")
