"""Redis clients for an address: a single node's URL, or a primary Sentinel names.

Every client in the codebase comes from here, so the rate limits, the cache,
persisted queries and the task queue follow a failover alike. For
`redis+sentinel://host:port,host:port/<master>` (config/env.py builds it from
REDIS_SENTINELS and REDIS_SENTINEL_MASTER) the client asks the sentinels for
the current primary when it connects, and again after a connection to it
fails, so after a promotion the next command reaches the new primary.
redis-py's Sentinel support does that work; this module only chooses it.
"""

from __future__ import annotations

from typing import Any

import redis
import redis.asyncio as aioredis
from django.conf import settings
from redis.asyncio.sentinel import Sentinel as AsyncSentinel
from redis.sentinel import Sentinel

SENTINEL_SCHEME = "redis+sentinel://"


def sentinel_url(sentinels: list[str], master: str) -> str:
    """The address of `master` as the sentinels at `host:port`s know it."""
    return f"{SENTINEL_SCHEME}{','.join(sentinels)}/{master}"


def is_sentinel(url: str) -> bool:
    """Whether `url` names a primary through Sentinel."""
    return url.startswith(SENTINEL_SCHEME)


def client(url: str, **options: Any) -> redis.Redis:
    """A client for `url`; `options` are redis-py's connection options."""
    found: redis.Redis = _connect(url, options, redis.Redis, Sentinel)
    return found


def async_client(url: str, **options: Any) -> aioredis.Redis:
    """`client` for asyncio: its connections belong to the running loop."""
    found: aioredis.Redis = _connect(url, options, aioredis.Redis, AsyncSentinel)
    return found


def _connect(url: str, options: dict[str, Any], single: Any, sentinel: Any) -> Any:
    """A client of class `single`, or the primary that a `sentinel` names."""
    if not is_sentinel(url):
        return single.from_url(url, **options)
    sentinels, master = _parse(url)
    sentinels_client = sentinel(sentinels, sentinel_kwargs=_sentinel_options(options))
    return sentinels_client.master_for(master, **options)


def _parse(url: str) -> tuple[list[tuple[str, int]], str]:
    """The sentinels' addresses and the master's name in a sentinel address."""
    hosts, _, master = url.removeprefix(SENTINEL_SCHEME).partition("/")
    sentinels = []
    for address in hosts.split(","):
        host, _, port = address.rpartition(":")
        sentinels.append((host, int(port)))
    return sentinels, master


def _sentinel_options(options: dict[str, Any]) -> dict[str, Any]:
    """How to talk to the sentinels: the caller's timeouts, their own password."""
    found: dict[str, Any] = {
        name: options[name]
        for name in ("socket_timeout", "socket_connect_timeout")
        if name in options
    }
    if settings.REDIS_SENTINEL_PASSWORD:
        found["password"] = settings.REDIS_SENTINEL_PASSWORD
    return found
