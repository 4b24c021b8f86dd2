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

from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from apps.core.availability import (
    RETRY_AFTER_SECONDS,
    is_database_unavailable,
    log_unavailable,
)

__all__ = [
    "MESSAGE",
    "RETRY_AFTER_SECONDS",
    "SERVICE_UNAVAILABLE",
    "DatabaseAvailability",
    "is_database_unavailable",
    "log_unavailable",
    "unavailable_body",
]


SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
MESSAGE = "The service is temporarily unavailable; retry shortly."


def unavailable_body() -> dict[str, list[dict[str, object]]]:
    """Return the JSON body of a 503: one GraphQL request error."""
    return {
        "errors": [{"message": MESSAGE, "extensions": {"code": SERVICE_UNAVAILABLE}}]
    }


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
