"""Leaky-bucket rate limits shared by every process through Redis.

A bucket holds up to `capacity` units and refills at `restore_rate` units per
second; a request takes its cost out, or is refused with the seconds until it
would fit. That is the model Shopify publishes for its API, so clients already
know how to read `throttleStatus`.

With REDIS_URL set, one Lua script reads, refills, takes and writes a bucket
atomically on the Redis server, on Redis's own clock, so every process and
every host share the bucket and two concurrent takers can never both spend
the last unit. Without Redis (the embedded default of `make run`), buckets
live in this process's memory under a lock. If Redis stops answering, limits
degrade to this process's memory (logged) rather than refuse everyone: a
limit is protection, not a reason to be down.

Hand-written because the maintained Python limiters (limits, django-ratelimit)
offer fixed or sliding windows, not a leaky bucket that reports its level and
refill rate, which `extensions.cost.throttleStatus` must show.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import math
import threading
import time
import weakref
from collections import OrderedDict
from dataclasses import dataclass
from functools import cache

import redis
from django.conf import settings
from redis.commands.core import AsyncScript, Script

from apps.core import redis_connection

logger = logging.getLogger("fashionistar.ratelimit")

KEY_PREFIX = "fashionistar:rl:"
# Keys held in memory per process when there is no Redis; the oldest bucket
# is forgotten first, so spoofed addresses cannot grow memory without bound.
MEMORY_MAX_KEYS = 100_000

# KEYS[1]: the bucket. ARGV: capacity, restore rate per second, cost.
# Returns {allowed 0/1, level after the take (as a string), retry-after ms}.
# TIME is allowed in scripts since Redis 5 (effects replication).
_LUA = """
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'level', 'at')
local level = tonumber(state[1])
local at = tonumber(state[2])
if level == nil or at == nil then
  level = capacity
else
  level = math.min(capacity, level + math.max(0, now - at) * rate)
end
local allowed = 0
local wait_ms = 0
if cost <= level then
  level = math.min(capacity, level - cost)
  allowed = 1
else
  wait_ms = math.ceil((cost - level) / rate * 1000)
end
if allowed == 1 or cost <= capacity then
  redis.call('HSET', KEYS[1], 'level', tostring(level), 'at', tostring(now))
  local full_ms = math.ceil((capacity - level) / rate * 1000) + 1000
  redis.call('PEXPIRE', KEYS[1], full_ms)
end
return {allowed, tostring(level), wait_ms}
"""


@dataclass(frozen=True)
class Bucket:
    """A named limit: `capacity` units, refilled at `restore_rate` per second."""

    name: str
    capacity: float
    restore_rate: float

    @classmethod
    def per(cls, name: str, count: float, seconds: float) -> Bucket:
        """A bucket allowing a burst of `count`, refilled fully in `seconds`."""
        return cls(name, float(count), count / seconds)


@dataclass(frozen=True)
class Level:
    """The outcome of one take: allowed or not, and the bucket's state after."""

    allowed: bool
    available: float
    capacity: float
    restore_rate: float
    retry_after: float  # seconds until the cost would fit; 0 when allowed

    @property
    def retry_after_seconds(self) -> int:
        """Whole seconds to wait, never 0 for a refusal (HTTP Retry-After)."""
        return max(1, math.ceil(self.retry_after)) if not self.allowed else 0


def take(bucket: Bucket, key: str, cost: float = 1.0) -> Level:
    """Take `cost` units from `bucket` for `key` (a client, account, address)."""
    return _apply(bucket, key, max(cost, 0.0))


def peek(bucket: Bucket, key: str) -> Level:
    """Return the bucket's level without taking anything."""
    return _apply(bucket, key, 0.0)


def refund(bucket: Bucket, key: str, amount: float) -> Level:
    """Give back units taken for work that turned out cheaper than priced."""
    return _apply(bucket, key, -max(amount, 0.0))


async def atake(bucket: Bucket, key: str, cost: float = 1.0) -> Level:
    """`take` for the event loop: never blocks it on Redis."""
    return await _aapply(bucket, key, max(cost, 0.0))


async def apeek(bucket: Bucket, key: str) -> Level:
    """`peek` for the event loop."""
    return await _aapply(bucket, key, 0.0)


async def arefund(bucket: Bucket, key: str, amount: float) -> Level:
    """`refund` for the event loop."""
    return await _aapply(bucket, key, -max(amount, 0.0))


def reset() -> None:
    """Forget every bucket (tests, and an operator's emergency lift)."""
    _MEMORY.clear()
    url = settings.REDIS_URL
    if not url:
        return
    with contextlib.suppress(redis.RedisError):
        client = _client_for(url)
        keys = list(client.scan_iter(match=f"{KEY_PREFIX}*", count=1000))
        if keys:
            client.delete(*keys)


def _apply(bucket: Bucket, key: str, cost: float) -> Level:
    """Take (cost > 0), refund (cost < 0) or read (0); only a take refuses."""
    name = _key(bucket, key)
    url = settings.REDIS_URL
    if url:
        try:
            reply = _script(_client_for(url))(keys=[name], args=_args(bucket, cost))
            return _level(bucket, reply)
        except redis.RedisError as error:
            _log_degraded(bucket, error)
    return _MEMORY.take(bucket, name, cost)


async def _aapply(bucket: Bucket, key: str, cost: float) -> Level:
    name = _key(bucket, key)
    url = settings.REDIS_URL
    if url:
        try:
            script = _async_script_for(url)
            reply = await script(keys=[name], args=_args(bucket, cost))
            return _level(bucket, reply)
        except redis.RedisError as error:
            _log_degraded(bucket, error)
    return _MEMORY.take(bucket, name, cost)


def _args(bucket: Bucket, cost: float) -> list[float]:
    return [bucket.capacity, bucket.restore_rate, cost]


def _level(bucket: Bucket, reply: list[int | bytes]) -> Level:
    allowed, level, wait_ms = reply
    assert isinstance(level, bytes)  # the script returns it as a string
    return Level(
        allowed=bool(allowed),
        available=max(0.0, float(level)),
        capacity=bucket.capacity,
        restore_rate=bucket.restore_rate,
        retry_after=int(wait_ms) / 1000,
    )


def _log_degraded(bucket: Bucket, error: Exception) -> None:
    logger.warning(
        "rate limits degraded to this process: Redis unavailable",
        extra={"bucket": bucket.name, "error": type(error).__name__},
    )


def _key(bucket: Bucket, key: str) -> str:
    # Hashed: keys may hold emails and addresses, and may be long.
    digest = hashlib.blake2b(key.encode(), digest_size=16).hexdigest()
    return f"{KEY_PREFIX}{bucket.name}:{digest}"


def _timeout() -> float:
    # Short: a hung Redis must cost a request milliseconds, after which the
    # limit degrades to memory (see the module docstring).
    return float(settings.RATE_LIMIT_REDIS_TIMEOUT)


@cache
def _client_for(url: str) -> redis.Redis:
    return redis_connection.client(
        url, socket_connect_timeout=_timeout(), socket_timeout=_timeout()
    )


@cache
def _script(client: redis.Redis) -> Script:
    return client.register_script(_LUA)


# Per event loop, a script bound to an asyncio client per URL: a client's
# connections belong to the loop that opened them.
_ASYNC_SCRIPTS: weakref.WeakKeyDictionary[
    asyncio.AbstractEventLoop, dict[str, AsyncScript]
] = weakref.WeakKeyDictionary()


def _async_script_for(url: str) -> AsyncScript:
    scripts = _ASYNC_SCRIPTS.setdefault(asyncio.get_running_loop(), {})
    if url not in scripts:
        client = redis_connection.async_client(
            url, socket_connect_timeout=_timeout(), socket_timeout=_timeout()
        )
        scripts[url] = client.register_script(_LUA)
    return scripts[url]


class _MemoryBuckets:
    """Per-process buckets: the embedded default, and the Redis-outage fallback."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._state: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def take(self, bucket: Bucket, key: str, cost: float) -> Level:
        now = time.monotonic()
        with self._lock:
            level, at = self._state.pop(key, (bucket.capacity, now))
            level = min(
                bucket.capacity, level + max(0.0, now - at) * bucket.restore_rate
            )
            allowed = cost <= level
            wait = 0.0 if allowed else (cost - level) / bucket.restore_rate
            if allowed:
                level = min(bucket.capacity, level - cost)
            self._state[key] = (level, now)
            while len(self._state) > MEMORY_MAX_KEYS:
                self._state.popitem(last=False)
        return Level(
            allowed, max(0.0, level), bucket.capacity, bucket.restore_rate, wait
        )

    def clear(self) -> None:
        with self._lock:
            self._state.clear()


_MEMORY = _MemoryBuckets()
