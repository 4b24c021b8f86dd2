"""Is the database reachable? Classifying errors of a PostgreSQL outage.

Shared by every interface that must answer 503 (and never 500, never a 2xx
for work not stored) while PostgreSQL is down: GraphQL, webhooks, plain
Django views. Each interface writes its own 503 body (GraphQL's is in
schema/http/availability.py).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import psycopg
from django.db import InterfaceError

logger = logging.getLogger("fashionistar.availability")

# Seconds; about how long the pool takes to reconnect after PostgreSQL is back.
RETRY_AFTER_SECONDS = 5

# SQLSTATEs of a server that went away or is not accepting connections yet:
# admin_shutdown, crash_shutdown, cannot_connect_now. Class 08 is "connection
# exception". Other server errors (deadlock, statement timeout) are not outages.
_SHUTDOWN_STATES = frozenset({"57P01", "57P02", "57P03"})


def _chain(error: BaseException) -> Iterator[BaseException]:
    """Yield the error, its (GraphQL) original_error, causes and contexts."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        # A GraphQL error carries the resolver's exception here.
        original = getattr(current, "original_error", None)
        if isinstance(original, BaseException):
            pending.append(original)
        pending.extend((current.__cause__, current.__context__))


def _is_connection_failure(error: BaseException) -> bool:
    # PoolTimeout is a psycopg.OperationalError without a SQLSTATE, as is a
    # refused connection or a server that vanished mid-query.
    if isinstance(error, psycopg.InterfaceError):
        return True
    if isinstance(error, psycopg.OperationalError):
        state = error.sqlstate
        return state is None or state.startswith("08") or state in _SHUTDOWN_STATES
    return False


def is_database_unavailable(error: BaseException) -> bool:
    """True when the error, or one behind it, means PostgreSQL is unreachable.

    Django wraps psycopg's errors in its own OperationalError/InterfaceError
    (the psycopg error is the `__cause__`); a GraphQL error carries the
    resolver's exception as `original_error`.
    """
    for current in _chain(error):
        if _is_connection_failure(current):
            return True
        if isinstance(current, InterfaceError) and current.__cause__ is None:
            return True  # Django's own "connection already closed"
    return False


def log_unavailable(error: BaseException, *, where: str) -> None:
    """Log one warning line, no traceback: the outage is not a bug."""
    cause = next((e for e in _chain(error) if _is_connection_failure(e)), error)
    logger.warning(
        "database unavailable",
        extra={"where": where, "error": f"{type(cause).__name__}: {cause}"},
    )
