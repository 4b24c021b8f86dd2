"""How domain errors and bad arguments reach GraphQL clients.

This module and `user_errors` are the only places a DomainError changes
shape, so the rules for every field live here: field paths in camelCase, and
a domain's "not permitted" always a top-level FORBIDDEN.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Protocol

from graphql import GraphQLError

UNAUTHENTICATED = "UNAUTHENTICATED"
FORBIDDEN = "FORBIDDEN"
# Domain codes that mean "this viewer may not": never a payload error.
PERMISSION_CODES = frozenset({"NOT_PERMITTED"})


class Problem(Protocol):
    """What a DomainError (or one of an OrderValidationError's details) carries."""

    @property
    def code(self) -> StrEnum: ...
    @property
    def message(self) -> str: ...
    @property
    def field(self) -> str | None: ...


class InputErrorCode(StrEnum):
    BAD_USER_INPUT = "BAD_USER_INPUT"
    PAGE_SIZE_EXCEEDED = "PAGE_SIZE_EXCEEDED"
    INVALID_PAGINATION = "INVALID_PAGINATION"
    INVALID_ID = "INVALID_ID"


def input_error(
    code: StrEnum | str, message: str, *, field: str | None = None
) -> GraphQLError:
    """Return a GraphQL error with `extensions.code` (and `field` when known)."""
    extensions: dict[str, object] = {"code": str(code)}
    if field is not None:
        extensions["field"] = field
    return GraphQLError(message, extensions=extensions)


def is_permission_error(error: Problem) -> bool:
    """True when a service refused the viewer rather than the input."""
    return str(error.code) in PERMISSION_CODES


def from_domain(
    error: Problem, *, renamed: Mapping[str, str | None] | None = None
) -> GraphQLError:
    """Translate a service's DomainError into a GraphQL error."""
    if is_permission_error(error):
        return GraphQLError(error.message, extensions={"code": FORBIDDEN})
    return input_error(
        error.code, error.message, field=graphql_field(error.field, renamed=renamed)
    )


def graphql_field(
    path: str | None, *, renamed: Mapping[str, str | None] | None = None
) -> str | None:
    """Return a service's field path as the client's input names.

    Each dotted segment goes snake_case to camelCase (`lines.2.variant_id`
    becomes `lines.2.variantId`; list indexes stay). `renamed` maps a service
    argument whose input name differs (`order_id` is `id`); None drops the
    path, for an argument the client never sent (the viewer's own id).
    """
    if path is None:
        return None
    head, _, rest = path.partition(".")
    if renamed is not None and head in renamed:
        name = renamed[head]
        if name is None:
            return None
        path = ".".join(filter(None, [name, rest]))
    return ".".join(_camel(segment) for segment in path.split("."))


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)
