"""Idempotency keys: one shared mechanism for every state-changing operation.

A client sends a key with a request. The first request with that key runs
and its response (a JSON object) is stored beside a hash of the request;
a retry with the same key and the same request gets the stored response
back without running again; the same key with a different request is
refused. Records live for `settings.IDEMPOTENCY_RETENTION` (24 h).

The recipe, with the transaction on the service where it can be seen::

    @transaction.atomic
    def thing_do(*, actor_id, idempotency_key=None, ...):
        claim = idempotency_claim(
            scope=IdempotencyScope(operation="thing_do", owner=f"user:{actor_id}",
                                   key=idempotency_key) if idempotency_key else None,
            request={...what identifies the request...},
        )
        if claim.replay is not None:
            return Thing.objects.get(pk=claim.replay["thing_id"])
        thing = ...  # the work, in the same transaction
        claim.complete({"thing_id": thing.pk})
        return thing

Work that must happen outside the transaction (a call to a payment
provider) goes before it: an optional `idempotency_lookup` first answers a
retry without repeating the outside call, then a second function decorated
with `@transaction.atomic` claims the key and writes.

Racing duplicates: the record is inserted under a unique constraint in the
same transaction as the work, so on PostgreSQL the second insert waits for
the first transaction, then fails and replays what it committed (or, if the
first rolled back, runs itself). Exactly one executes. See docs/idempotency.md.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from apps.core.errors import DomainError, describe
from apps.core.models import IdempotencyRecord

type JSONObject = dict[str, Any]

KEY_MAX_LENGTH = 255


class IdempotencyErrorCode(StrEnum):
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"
    INVALID_IDEMPOTENCY_KEY = "INVALID_IDEMPOTENCY_KEY"


describe(
    IdempotencyErrorCode,
    {
        IdempotencyErrorCode.IDEMPOTENCY_KEY_REUSED: (
            "The idempotency key was already used for a different request."
        ),
        IdempotencyErrorCode.INVALID_IDEMPOTENCY_KEY: (
            f"The idempotency key is empty or longer than {KEY_MAX_LENGTH} characters."
        ),
    },
)


class IdempotencyError(DomainError):
    """An idempotency key that is malformed or was used for another request."""


@dataclass(frozen=True, slots=True, kw_only=True)
class IdempotencyScope:
    """Where a key is unique: one operation, one owner (e.g. 'user:42')."""

    operation: str
    owner: str
    key: str


@dataclass(frozen=True, slots=True, kw_only=True)
class IdempotencyClaim:
    """A key claimed inside the caller's transaction, or the replay of its use.

    `replay` is the stored response when the key was already used for the
    same request (the caller returns it and does nothing else); None when
    this request holds the key and must do the work, then `complete` it.
    A claim without a record (the client sent no key) completes as a no-op.
    """

    replay: JSONObject | None
    record: IdempotencyRecord | None

    def complete(self, response: JSONObject) -> None:
        """Store the response a retry will replay; in the same transaction."""
        if self.record is None or self.replay is not None:
            return
        self.record.response = response
        self.record.save(update_fields=["response"])


def request_fingerprint(request: Mapping[str, Any]) -> str:
    """Return the SHA-256 hex digest of `request` as canonical JSON.

    Keys are sorted and whitespace removed, so two dicts with the same
    content hash alike whatever their insertion order. Lists keep their
    order. Values that JSON cannot hold (Decimal, dates) hash as `str()`.
    """
    canonical = json.dumps(
        request, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def idempotency_key_check(key: str, *, field: str = "idempotency_key") -> None:
    """Refuse an empty or over-long key.

    Raises:
        IdempotencyError: INVALID_IDEMPOTENCY_KEY.
    """
    if not key.strip() or len(key) > KEY_MAX_LENGTH:
        raise IdempotencyError(
            IdempotencyErrorCode.INVALID_IDEMPOTENCY_KEY,
            f"The idempotency key must be 1 to {KEY_MAX_LENGTH} characters.",
            field=field,
        )


def idempotency_lookup(
    *,
    scope: IdempotencyScope,
    request: Mapping[str, Any],
    now: datetime | None = None,
) -> JSONObject | None:
    """Return the stored response for this key, or None if it was not used.

    A plain read without locks: a fast path that lets a retry be answered
    before any validation (stock may have sold out since the first request).

    Raises:
        IdempotencyError: IDEMPOTENCY_KEY_REUSED when the key was used for a
            different request; INVALID_IDEMPOTENCY_KEY for a malformed key.
    """
    idempotency_key_check(scope.key)
    record = (
        IdempotencyRecord.objects.filter(
            operation=scope.operation, owner=scope.owner, key=scope.key
        )
        .filter(created_at__gt=_oldest_live(now))
        .first()
    )
    if record is None:
        return None
    _same_request_check(record, request_fingerprint(request))
    response: JSONObject = record.response
    return response


def idempotency_claim(
    *,
    scope: IdempotencyScope | None,
    request: Mapping[str, Any],
    now: datetime | None = None,
) -> IdempotencyClaim:
    """Claim the key for this request inside the caller's transaction.

    The caller's `@transaction.atomic` service is the boundary: the record
    commits with the work, and if the work raises, the record rolls back
    with it and the key stays free. A concurrent identical request waits
    on the record's unique index and then replays. `scope=None` (no key
    sent) claims nothing: the caller runs as it would without a key.

    Raises:
        IdempotencyError: IDEMPOTENCY_KEY_REUSED when the key was used for a
            different request; INVALID_IDEMPOTENCY_KEY for a malformed key.
        RuntimeError: called outside a transaction (a programming error).
    """
    if scope is None:
        return IdempotencyClaim(replay=None, record=None)
    if not connection.in_atomic_block:
        msg = "idempotency_claim must run inside the service's transaction."
        raise RuntimeError(msg)
    idempotency_key_check(scope.key)
    record, created = _claim(
        scope, request_hash=request_fingerprint(request), now=now or timezone.now()
    )
    if created:
        return IdempotencyClaim(replay=None, record=record)
    stored: JSONObject = record.response
    return IdempotencyClaim(replay=stored, record=record)


def idempotency_records_purge(*, now: datetime | None = None) -> int:
    """Delete records older than the retention; return how many went.

    Safe to run at any time: an expired record is already ignored by
    `idempotency_claim`, which replaces it.
    """
    deleted, _ = IdempotencyRecord.objects.filter(
        created_at__lte=_oldest_live(now)
    ).delete()
    return deleted


def _oldest_live(now: datetime | None) -> datetime:
    """Records created at or before this instant have expired."""
    retention = settings.IDEMPOTENCY_RETENTION
    return (now or timezone.now()) - retention


def _locked(scope: IdempotencyScope) -> IdempotencyRecord | None:
    return (
        IdempotencyRecord.objects.select_for_update()
        .filter(operation=scope.operation, owner=scope.owner, key=scope.key)
        .first()
    )


def _claim(
    scope: IdempotencyScope, *, request_hash: str, now: datetime
) -> tuple[IdempotencyRecord, bool]:
    """Return the live record for `scope` (locked) or insert a new one.

    Must run inside a transaction. The insert of a key that a concurrent,
    uncommitted transaction also inserted blocks on the unique index until
    that transaction ends: then it fails (and the committed record is
    replayed) or succeeds (the other one rolled back).
    """
    existing = _locked(scope)
    if existing is not None:
        if existing.created_at > _oldest_live(now):
            _same_request_check(existing, request_hash)
            return existing, False
        existing.delete()
    try:
        with transaction.atomic():
            record = IdempotencyRecord.objects.create(
                operation=scope.operation,
                owner=scope.owner,
                key=scope.key,
                request_hash=request_hash,
                created_at=now,
            )
    except IntegrityError:
        winner = _locked(scope)
        if winner is None:  # pragma: no cover - deleted between the two statements
            raise
        _same_request_check(winner, request_hash)
        return winner, False
    return record, True


def _same_request_check(record: IdempotencyRecord, request_hash: str) -> None:
    if record.request_hash != request_hash:
        raise IdempotencyError(
            IdempotencyErrorCode.IDEMPOTENCY_KEY_REUSED,
            "This idempotency key was already used for a different request.",
            field="idempotency_key",
        )
