"""Switching Redis off and on for a test: a closed port, a private ``redis-server`` the test
starts and stops (never the shared one), and the test process's Celery app pointed elsewhere.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis
from kombu import pools as kombu_pools

from coachmaster.celery import app as celery_app

REDIS_SERVER = shutil.which("redis-server")


def closed_port() -> int:
    """A local port nobody listens on (taken from the kernel, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_url(port: int, db: int = 0) -> str:
    return f"redis://127.0.0.1:{port}/{db}"


class RedisServer:
    """A throw-away ``redis-server`` on ``port`` (no persistence), for "Redis goes down and
    comes back" without touching the Redis other tests share."""

    def __init__(self, port: int, folder: Path):
        self.port, self.folder = port, folder
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return redis_url(self.port)

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url)

    def start(self) -> RedisServer:
        assert REDIS_SERVER, "redis-server is not installed"
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if self.client().ping():
                    return self
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


def reset_broker_connections() -> None:
    """Forget pooled broker connections, so the next send connects to the configured URL
    (kombu keeps its pools in a registry of its own: closed pools leave it too)."""
    kombu_pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextmanager
def broker_at(url: str) -> Iterator[None]:
    """The test process sends tasks to the broker at ``url`` instead of running them."""
    conf = celery_app.conf
    before = conf.broker_url, conf.task_always_eager
    conf.broker_url, conf.task_always_eager = url, False
    reset_broker_connections()
    try:
        yield
    finally:
        conf.broker_url, conf.task_always_eager = before
        reset_broker_connections()


def tolerant_cache_at(url: str, **extra) -> dict:
    """A ``CACHES`` setting: the project's Redis cache at ``url``, with short timeouts."""
    return {
        "default": {
            "BACKEND": "coachmaster.cache.TolerantRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "reliability-test",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
            **extra,
        }
    }
