"""Clients through Sentinel reach the primary, and follow it when it fails over.

Real processes (tests/support/redis_sentinel.py): a primary, its replica and
three sentinels on private ports. The primary is SIGKILLed; the sentinels
promote the replica; the very clients made before the crash then write to it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import redis

from apps.core import redis_connection
from apps.jobs.redis_backend import RedisTaskBackend
from tests.support.redis_sentinel import (
    PrivateSentinels,
    available,
    private_sentinels,
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(available() is not None, reason=str(available())),
]


@pytest.fixture
def cluster() -> Iterator[PrivateSentinels]:
    with private_sentinels() as running:
        yield running


def on_port(port: int) -> redis.Redis:
    return redis.Redis(port=port, socket_timeout=2)


def retried[T](command: Callable[[], T], seconds: float = 15) -> T:
    """Run `command` until the connection to the new primary holds."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return command()
        except (redis.ConnectionError, redis.TimeoutError, redis.ReadOnlyError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_a_client_through_sentinel_writes_to_the_primary(cluster):
    client = redis_connection.client(cluster.url, socket_timeout=2)

    client.set("where", "primary")

    assert on_port(cluster.primary_port).get("where") == b"primary"


def test_the_same_client_writes_to_the_promoted_replica_after_a_crash(cluster):
    client = redis_connection.client(cluster.url, socket_timeout=2)
    client.set("before", "1")
    # Replication is asynchronous: without WAIT a crash may lose the write.
    assert client.wait(1, 1000) == 1

    cluster.kill_primary()
    promoted = cluster.wait_for_failover()
    retried(lambda: client.set("after", "2"))

    assert promoted == cluster.replica_port
    assert on_port(promoted).get("after") == b"2"
    assert on_port(promoted).get("before") == b"1"
    assert on_port(promoted).info("replication")["role"] == "master"


def test_the_async_client_follows_the_failover_too(cluster):
    async def scenario() -> Any:
        client = redis_connection.async_client(cluster.url, socket_timeout=2)
        await client.set("before", "1")
        cluster.kill_primary()
        await asyncio.to_thread(cluster.wait_for_failover)
        deadline = time.monotonic() + 15
        while True:
            try:
                return await client.set("after", "2")
            except (redis.ConnectionError, redis.TimeoutError, redis.ReadOnlyError):
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.2)

    asyncio.run(scenario())

    assert on_port(cluster.replica_port).get("after") == b"2"


def test_the_task_backend_reaches_the_primary_through_sentinel(cluster):
    backend = RedisTaskBackend(
        alias="sentinel",
        params={
            "QUEUES": ["emails"],
            "OPTIONS": {"REDIS_URL": cluster.url, "REDIS_SOCKET_TIMEOUT": 2},
        },
    )

    backend.get_client().set("from-the-backend", "1")

    assert on_port(cluster.primary_port).get("from-the-backend") == b"1"
