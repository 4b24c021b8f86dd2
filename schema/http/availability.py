"""A database that cannot be reached: one 503 for the whole response.

Resolver errors never leave Strawberry as exceptions: ErrorPolicy masks them
field by field, dropping `original_error`. While PostgreSQL is down every
field would fail that way, and the client would get a 200 with a masked
partial result. DatabaseAvailability looks at the errors right after
execution (`on_execute`, which ends before ErrorPolicy's `on_operation`
masks them) and, if one of them is the database being unreachable, replaces
the whole result with a single SERVICE_UNAVAILABLE request error; the view
answers it 503 with Retry-After.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import psycopg
from django.db import InterfaceError
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

logger = logging.getLogger("fashionistar.graphql")

SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
MESSAGE = "The service is temporarily unavailable; retry shortly."
# Seconds; about how long the pool takes to reconnect after PostgreSQL is back.
RETRY_AFTER_SECONDS = 5

# SQLSTATEs of a server that went away or is not accepting connections yet:
# admin_shutdown, crash_shutdown, cannot_connect_now. Class 08 is "connection
# exception". Other server errors (deadlock, statement timeout) are not outages.
_SHUTDOWN_STATES = frozenset({"57P01", "57P02", "57P03"})


def _chain(error: BaseException) -> Iterator[BaseException]:
    """Yield the error, its GraphQL original_error, causes and contexts."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        if isinstance(current, GraphQLError):
            pending.append(current.original_error)
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


def unavailable_body() -> dict[str, list[dict[str, object]]]:
    """Return the JSON body of a 503."""
    return {
        "errors": [{"message": MESSAGE, "extensions": {"code": SERVICE_UNAVAILABLE}}]
    }


def log_unavailable(error: BaseException, *, where: str) -> None:
    """Log one warning line, no traceback: the outage is not a bug."""
    cause = next((e for e in _chain(error) if _is_connection_failure(e)), error)
    logger.warning(
        "database unavailable",
        extra={"where": where, "error": f"{type(cause).__name__}: {cause}"},
    )


class DatabaseAvailability(SchemaExtension):
    """Turn a result with a database-unavailable error into one request error."""

    def on_execute(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None) or ()
        cause = next((e for e in errors if is_database_unavailable(e)), None)
        if result is None or cause is None:
            return
        log_unavailable(cause, where="graphql")
        result.data = None
        result.errors = [
            GraphQLError(MESSAGE, extensions={"code": SERVICE_UNAVAILABLE})
        ]
