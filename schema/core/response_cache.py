"""A response cache for anonymous catalog reads: Redis, with a copy per process.

An entry is a query's `data`, keyed by the SHA-256 of its document, its
operation name and its variables, stored with the versions of the tags its
execution recorded (apps/core/cache_tags.py: the products, categories and
lists it read). A hit first checks those versions, one MGET: any product,
variant, price or category it holds that changed since makes it a miss, in
every process at once. Stock levels are not versioned (each order moves
them): an entry that read any lives GRAPHQL_STOCK_STALENESS seconds (5), the
stated bound on a stale `available`; others GRAPHQL_RESPONSE_CACHE_TTL (300).

Only query operations whose root fields are all public catalog reads, from
callers without credentials, answered without errors, are kept. A write
that commits while a query runs stops it from being stored (the `catalog`
version is read before and after). Without Redis, entries and versions live
in the process; while Redis does not answer, nothing is cached.
docs/caching.md has the whole story.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import redis
from django.conf import settings
from graphql import (
    FieldNode,
    GraphQLError,
    OperationDefinitionNode,
    OperationType,
    parse,
)

from apps.core import cache_tags
from schema.core import prebuilt
from schema.core.recent import Recent
from schema.core.redis_clients import async_client

logger = logging.getLogger("fashionistar.cache")

KEY_PREFIX = "fashionistar:rc:"
# Root fields whose answers are the same for every anonymous caller.
CATALOG_ROOTS = frozenset({"products", "product", "categories", "category"})


@dataclass(frozen=True, slots=True)
class Entry:
    data: dict[str, Any]
    versions: dict[str, int]
    expires: float


def cache_key(
    query: str | None, operation_name: str | None, variables: dict[str, Any] | None
) -> str | None:
    """Return the entry key of a cacheable catalog query, else None."""
    if not settings.GRAPHQL_RESPONSE_CACHE or not query:
        return None
    if not _is_catalog_query(query, operation_name):
        return None
    material = json.dumps(
        [query, operation_name, variables or {}], sort_keys=True, separators=(",", ":")
    )
    return KEY_PREFIX + hashlib.sha256(material.encode()).hexdigest()


@lru_cache(maxsize=1024)
def _is_catalog_query(query: str, operation_name: str | None) -> bool:
    """A query operation whose root fields are all catalog reads (no fragments)."""
    try:
        document = parse(query, max_tokens=settings.GRAPHQL_MAX_TOKENS)
    except GraphQLError:
        return False
    operations = [
        d
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode)
        and (operation_name is None or (d.name and d.name.value == operation_name))
    ]
    if len(operations) != 1 or operations[0].operation != OperationType.QUERY:
        return False
    roots = operations[0].selection_set.selections
    return all(
        isinstance(root, FieldNode)
        and not root.directives
        and (root.name.value in CATALOG_ROOTS or root.name.value == "__typename")
        for root in roots
    ) and any(
        isinstance(root, FieldNode) and root.name.value in CATALOG_ROOTS
        for root in roots
    )


async def alookup(key: str) -> dict[str, Any] | None:
    """Return the cached `data` for `key`, if it is there and still current."""
    entry = _LOCAL.get(key)
    try:
        if entry is None and settings.REDIS_URL:
            entry = _decode(await async_client().get(key))
            if entry is not None:
                _LOCAL.put(key, entry)
        if entry is None or entry.expires <= _now():
            return None
        if await aversions(list(entry.versions)) != entry.versions:
            _LOCAL.drop(key)
            return None
    except redis.RedisError as error:
        _log_degraded(error)
        return None
    return entry.data


async def aversions(tags: list[str]) -> dict[str, int]:
    """Return the current version of each tag (Redis, else this process)."""
    if not settings.REDIS_URL:
        return cache_tags.local_versions(tags)
    if not tags:
        return {}
    raw = await async_client().mget([cache_tags.KEY_PREFIX + tag for tag in tags])
    return {tag: int(value or 0) for tag, value in zip(tags, raw, strict=True)}


async def abefore() -> dict[str, int] | None:
    """Read the `catalog` version before a query runs (None: Redis is down)."""
    try:
        return await aversions([cache_tags.CATALOG])
    except redis.RedisError as error:
        _log_degraded(error)
        return None


async def astore(
    key: str, data: dict[str, Any], reads: set[str], before: dict[str, int]
) -> None:
    """Keep `data` with its tags' versions, unless the catalog moved meanwhile.

    `before` is the `catalog` tag's version read before the query ran.
    """
    tags = sorted(reads)
    try:
        versions = await aversions([*tags, cache_tags.CATALOG])
        if versions.pop(cache_tags.CATALOG) != before.get(cache_tags.CATALOG, 0):
            return  # a catalog write committed while the query ran
        if cache_tags.CATALOG in reads:
            versions[cache_tags.CATALOG] = before[cache_tags.CATALOG]
        ttl = (
            settings.GRAPHQL_STOCK_STALENESS
            if cache_tags.STOCK in reads
            else settings.GRAPHQL_RESPONSE_CACHE_TTL
        )
        entry = Entry(data=data, versions=versions, expires=_now() + ttl)
        _LOCAL.put(key, entry)
        if settings.REDIS_URL:
            await async_client().set(key, _encode(entry), px=int(ttl * 1000))
    except redis.RedisError as error:
        _log_degraded(error)


def _now() -> float:
    """Wall-clock seconds: entries travel between processes (tests set it)."""
    return time.time()


def clear_local() -> None:
    """Forget this process's entries (tests)."""
    _LOCAL.clear()


def _encode(entry: Entry) -> str:
    return json.dumps(
        {
            "data": prebuilt.plain(entry.data),
            "versions": entry.versions,
            "expires": entry.expires,
        },
        separators=(",", ":"),
    )


def _decode(raw: bytes | str | None) -> Entry | None:
    if raw is None:
        return None
    value = json.loads(raw)
    return Entry(
        data=value["data"], versions=value["versions"], expires=value["expires"]
    )


_LOCAL: Recent[Entry] = Recent("GRAPHQL_RESPONSE_CACHE_LOCAL_ENTRIES")


def _log_degraded(error: Exception) -> None:
    logger.warning(
        "response cache off: Redis unavailable", extra={"error": type(error).__name__}
    )
