"""Automatic persisted queries: Apollo's APQ protocol, version 1.

A client sends `extensions.persistedQuery {version: 1, sha256Hash}` without
the text. The server runs the document registered under that hash, or answers
PERSISTED_QUERY_NOT_FOUND ("PersistedQueryNotFound"); the client then sends
the text with the hash once, which registers it after it parses and
validates. With GET, hash and variables fit in a URL a CDN can cache.

Registered documents live in Redis, shared by every process, for
GRAPHQL_APQ_TTL seconds, behind a per-process LRU; without Redis, or while it
is down, in the LRU alone. In strict trusted-documents mode nothing registers:
only the manifest's documents run (trusted_documents.py, which also answers
for manifest hashes in every mode). docs/graphql.md, "Persisted queries".
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import redis
from django.conf import settings

from schema.core import trusted_documents
from schema.core.recent import Recent
from schema.core.redis_clients import async_client
from schema.http.refusals import bad_request

logger = logging.getLogger("fashionistar.graphql")

VERSION = 1
KEY_PREFIX = "fashionistar:apq:"
_POINTER = "/extensions/persistedQuery"


def requested_hash(extensions: Mapping[str, Any] | None) -> str | None:
    """Return the request's APQ hash, checked; None if it names none.

    Raises:
        RequestRefused: 400 BAD_REQUEST for another version or a hash that is
            not 64 lower-case hex digits.
    """
    persisted = (extensions or {}).get("persistedQuery")
    if persisted is None:
        return None
    if not isinstance(persisted, dict):
        raise bad_request("`persistedQuery` must be an object.", pointer=_POINTER)
    if persisted.get("version") != VERSION:
        raise bad_request(
            "Unsupported persisted query version: only version 1 is served.",
            pointer=f"{_POINTER}/version",
        )
    sha256 = trusted_documents.apollo_hash(extensions)
    if sha256 is None or not trusted_documents.is_sha256_hex(sha256):
        raise bad_request(
            "`sha256Hash` must be 64 lower-case hexadecimal digits.",
            pointer=f"{_POINTER}/sha256Hash",
        )
    return sha256


def check_text(query: str, sha256: str) -> None:
    """Refuse a text sent with a hash that is not its SHA-256 (400)."""
    if trusted_documents.sha256_hex(query) != sha256:
        raise bad_request(
            "provided sha does not match query",
            pointer=f"{_POINTER}/sha256Hash",
        )


def registers() -> bool:
    """Whether texts sent with a hash are registered (not in strict mode)."""
    return bool(
        settings.GRAPHQL_TRUSTED_DOCUMENTS != trusted_documents.STRICT
        and settings.GRAPHQL_APQ
    )


async def alookup(sha256: str) -> str | None:
    """Return the text registered under `sha256`, or None."""
    text = _LOCAL.get(sha256)
    if text is not None or not settings.REDIS_URL:
        return text
    try:
        raw = await async_client().get(KEY_PREFIX + sha256)
    except redis.RedisError as error:
        _log_degraded(error)
        return None
    if raw is None:
        return None
    text = raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)
    _LOCAL.put(sha256, text)
    return text


async def aregister(sha256: str, query: str) -> None:
    """Keep `query` under its hash (already checked), if it is within the cap."""
    if len(query.encode("utf-8")) > settings.GRAPHQL_APQ_MAX_BYTES:
        return  # it ran; it is just not kept
    _LOCAL.put(sha256, query)
    if not settings.REDIS_URL:
        return
    try:
        await async_client().set(
            KEY_PREFIX + sha256, query, ex=settings.GRAPHQL_APQ_TTL
        )
    except redis.RedisError as error:
        _log_degraded(error)


def clear_local() -> None:
    """Forget this process's copies (tests)."""
    _LOCAL.clear()


_LOCAL: Recent[str] = Recent("GRAPHQL_APQ_LOCAL_ENTRIES")


def _log_degraded(error: Exception) -> None:
    logger.warning(
        "persisted queries degraded to this process: Redis unavailable",
        extra={"error": type(error).__name__},
    )
