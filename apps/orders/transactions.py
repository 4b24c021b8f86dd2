"""Retry of whole transactions that the database aborted to break a conflict."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.db import DatabaseError, connection

logger = logging.getLogger(__name__)

# PostgreSQL SQLSTATEs for "serialization_failure" and "deadlock_detected":
# the transaction did nothing wrong and succeeds when run again.
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})
BACKOFF_SECONDS = 0.02


def with_conflict_retries[T](attempt: Callable[[], T]) -> T:
    """Run `attempt` (one whole transaction), retrying deadlocks and the like.

    At most `settings.ORDERS_TRANSACTION_RETRIES` retries with a short
    jittered exponential backoff. Inside an outer transaction nothing can be
    retried (the outer one is aborted too), so the error propagates.
    """
    retries = 0 if connection.in_atomic_block else settings.ORDERS_TRANSACTION_RETRIES
    for number in range(retries + 1):
        try:
            return attempt()
        except DatabaseError as exc:
            sqlstate = getattr(exc.__cause__, "sqlstate", None)
            if sqlstate not in RETRYABLE_SQLSTATES or number == retries:
                raise
            logger.warning(
                "transaction conflict, retrying",
                extra={"sqlstate": sqlstate, "attempt": number + 1},
            )
            time.sleep(BACKOFF_SECONDS * 2**number * (1 + random.random()))  # noqa: S311
    raise AssertionError("unreachable")  # pragma: no cover


def conflict_retried[**P, T](service: Callable[P, T]) -> Callable[P, T]:
    """Retry a whole `@transaction.atomic` service on deadlocks and the like.

    Stack it above the atomic decorator, so each attempt is one transaction
    and the boundary stays visible on the service itself.
    """

    @wraps(service)
    def retried(*args: P.args, **kwargs: P.kwargs) -> T:
        return with_conflict_retries(lambda: service(*args, **kwargs))

    return retried
