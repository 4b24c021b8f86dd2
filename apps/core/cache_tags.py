"""What a response read, and what changed since: tags for the response cache.

Selectors `record` the rows they return as tags (`product:12`, `category:3`,
`catalog` for lists whose membership or order any catalog change can alter,
`stock` for quantities). A response cache (schema/core/response_cache.py)
`collecting` them keeps, with its entry, each tag's version; a write `bump`s
the tags of what it changed, after commit, and every entry holding an older
version is stale at once, in every process. Stock is not bumped (every order
changes it): entries that read it live a short, stated time instead.

Versions live in Redis (one INCR per tag written, one MGET per cache hit);
without Redis, or while it is down, in this process.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import redis
from django.conf import settings
from django.db import transaction

from apps.core import redis_connection

logger = logging.getLogger("fashionistar.cache")

CATALOG = "catalog"
CATEGORIES = "categories"
STOCK = "stock"
KEY_PREFIX = "fashionistar:tag:"

_reads: ContextVar[set[str] | None] = ContextVar("cache_tag_reads", default=None)
_local_versions: dict[str, int] = {}


def product(pk: int) -> str:
    return f"product:{pk}"


def category(pk: int) -> str:
    return f"category:{pk}"


def record(*tags: str) -> None:
    """Note that the current response read these (no-op outside `collecting`)."""
    reads = _reads.get()
    if reads is not None:
        reads.update(tags)


@contextmanager
def collecting() -> Iterator[set[str]]:
    """Collect the tags recorded in this block (and in tasks and threads it starts)."""
    reads: set[str] = set()
    token = _reads.set(reads)
    try:
        yield reads
    finally:
        _reads.reset(token)


def bump_on_commit(*tags: str) -> None:
    """Make entries holding these tags stale once the current transaction commits."""
    transaction.on_commit(lambda: bump(*tags))


def bump(*tags: str) -> None:
    """Make entries holding these tags stale now, in every process."""
    for tag in tags:
        _local_versions[tag] = _local_versions.get(tag, 0) + 1
    url = settings.REDIS_URL
    if not url:
        return
    try:
        client = redis_connection.client(url, socket_timeout=_timeout())
        with client.pipeline(transaction=False) as pipe:
            for tag in tags:
                pipe.incr(KEY_PREFIX + tag)
            pipe.execute()
    except redis.RedisError as error:
        # The cache then cannot see this change in other processes: entries
        # expire within their TTL (docs/caching.md).
        logger.warning(
            "cache invalidation not shared: Redis unavailable",
            extra={"tags": sorted(tags), "error": type(error).__name__},
        )


def local_versions(tags: Iterable[str]) -> dict[str, int]:
    """This process's versions of `tags` (0 for never bumped)."""
    return {tag: _local_versions.get(tag, 0) for tag in tags}


def _timeout() -> float:
    return float(settings.RATE_LIMIT_REDIS_TIMEOUT)
