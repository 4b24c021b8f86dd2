"""How domain errors and bad arguments reach GraphQL clients."""

from __future__ import annotations

from enum import StrEnum

from graphql import GraphQLError

from apps.core.errors import DomainError


class InputErrorCode(StrEnum):
    BAD_USER_INPUT = "BAD_USER_INPUT"
    PAGE_SIZE_EXCEEDED = "PAGE_SIZE_EXCEEDED"
    INVALID_PAGINATION = "INVALID_PAGINATION"
    INVALID_ID = "INVALID_ID"


def input_error(
    code: StrEnum, message: str, *, field: str | None = None
) -> GraphQLError:
    """Return a GraphQL error with `extensions.code` (and `field` when known)."""
    extensions: dict[str, object] = {"code": str(code)}
    if field is not None:
        extensions["field"] = field
    return GraphQLError(message, extensions=extensions)


def from_domain(error: DomainError) -> GraphQLError:
    """Translate a service's DomainError into a GraphQL error."""
    return input_error(error.code, error.message, field=error.field)
