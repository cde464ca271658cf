"""A Redis cache that keeps the site working while Redis is away.

Django's ``RedisCache`` raises when Redis cannot be reached, and every page that touches the
cache (allauth's rate limits on login, the TOTP reuse guard) would fail with it. This backend
answers from a per-process memory cache instead while Redis is down:

- a connection error or timeout sends the call (and every call for the next ``RETRY_AFTER``
  seconds) to the local cache, so a dead Redis costs one short timeout, not one per call;
- a local cache, rather than a plain miss, keeps ``add``-based locks and rate limits working
  (per process, so a little looser than with Redis, but never wide open and never locked out);
- the outage is logged once when it starts, at most once a minute while it lasts (with a count),
  and once when Redis answers again.

What was written to the local cache during the outage is not carried over: Redis is the truth
again as soon as it answers.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


class TolerantRedisCache(RedisCache):
    """``RedisCache`` that degrades to a local memory cache on connection errors.

    Extra (top-level) cache settings: ``RETRY_AFTER`` (seconds before Redis is tried again,
    default 5) and ``LOG_EVERY`` (seconds between repeated warnings, default 60). Socket
    timeouts belong in ``OPTIONS`` (``socket_connect_timeout``, ``socket_timeout``).
    """

    def __init__(self, server, params):
        super().__init__(server, params)
        self.retry_after = float(params.get("RETRY_AFTER", 5))
        self.log_every = float(params.get("LOG_EVERY", 60))
        self._fallback = LocMemCache(
            f"redis-fallback-{id(self)}",
            {
                "TIMEOUT": params.get("TIMEOUT", 300),
                "KEY_PREFIX": params.get("KEY_PREFIX", ""),
                "VERSION": params.get("VERSION", 1),
                "OPTIONS": {"MAX_ENTRIES": 10000},
            },
        )
        self._lock = threading.Lock()
        self._down_until = 0.0  # monotonic time; 0 while Redis answers
        self._failures = 0  # since the last warning
        self._logged_at = 0.0

    @property
    def is_down(self) -> bool:
        """Whether calls currently go to the local cache."""
        return self._down_until > 0

    def _call(self, name: str, *args, **kwargs):
        if time.monotonic() >= self._down_until:
            try:
                result = getattr(super(), name)(*args, **kwargs)
            except UNREACHABLE as error:
                self._went_down(error)
            else:
                if self._down_until:
                    self._came_back()
                return result
        return getattr(self._fallback, name)(*args, **kwargs)

    def _went_down(self, error: Exception) -> None:
        now = time.monotonic()
        with self._lock:
            first = self._down_until == 0
            self._down_until = now + self.retry_after
            self._failures += 1
            if not first and now - self._logged_at < self.log_every:
                return
            failures, self._failures, self._logged_at = self._failures, 0, now
        if first:
            logger.error("Redis cache unavailable, using a local memory cache: %s", error)
        else:
            logger.error(
                "Redis cache still unavailable (%s failed attempts since the last message): %s",
                failures,
                error,
            )

    def _came_back(self) -> None:
        with self._lock:
            if not self._down_until:
                return
            self._down_until, self._failures = 0.0, 0
        self._fallback.clear()
        logger.warning("Redis cache available again")

    def add(self, *args, **kwargs):
        return self._call("add", *args, **kwargs)

    def get(self, *args, **kwargs):
        return self._call("get", *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._call("set", *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._call("touch", *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._call("delete", *args, **kwargs)

    def get_many(self, *args, **kwargs):
        return self._call("get_many", *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self._call("has_key", *args, **kwargs)

    def incr(self, *args, **kwargs):
        return self._call("incr", *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self._call("set_many", *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._call("delete_many", *args, **kwargs)

    def clear(self):
        return self._call("clear")
