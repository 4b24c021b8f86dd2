"""One asyncio Redis client per event loop, with the rate limiter's short timeout.

An asyncio client's connections belong to the loop that opened them, so each
loop (the server's, a test's) gets its own. The timeout is short on purpose:
a hung Redis costs a request milliseconds, then the caller degrades.
"""

from __future__ import annotations

import asyncio
import weakref

import redis.asyncio as aioredis
from django.conf import settings

from apps.core import redis_connection

_CLIENTS: weakref.WeakKeyDictionary[
    asyncio.AbstractEventLoop, dict[str, aioredis.Redis]
] = weakref.WeakKeyDictionary()


def async_client() -> aioredis.Redis:
    """Return this loop's client for REDIS_URL (which must be set)."""
    url = str(settings.REDIS_URL)
    clients = _CLIENTS.setdefault(asyncio.get_running_loop(), {})
    if url not in clients:
        timeout = float(settings.RATE_LIMIT_REDIS_TIMEOUT)
        clients[url] = redis_connection.async_client(
            url, socket_connect_timeout=timeout, socket_timeout=timeout
        )
    return clients[url]
