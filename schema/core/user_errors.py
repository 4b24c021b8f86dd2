"""The one shape of mutation errors; each domain supplies its code enum.

A domain subclasses `UserError[ItsCodeEnum]` under its own GraphQL name
(AccountError, OrderError, ...), so every payload's `errors` has the same
fields and a precise `code` enum clients can switch on exhaustively.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import Enum
from typing import Generic, TypeVar

import strawberry

from schema.core.errors import (
    Problem,
    from_domain,
    graphql_field,
    is_permission_error,
)

Code = TypeVar("Code", bound=Enum)


@strawberry.type(description="Why a mutation did not do what was asked.")
# A TypeVar, not PEP 695 syntax: Strawberry cannot resolve a PEP 695
# parameter of a field under postponed annotations (measured).
class UserError(Generic[Code]):  # noqa: UP046
    field: str | None = strawberry.field(
        description=(
            "The input field (camelCase) that caused the error; null when the "
            "error is not about one field."
        )
    )
    code: Code = strawberry.field(
        description="What went wrong, for programs to branch on."
    )
    message: str = strawberry.field(
        description="What went wrong, in English, fit to show to the user."
    )


def user_error_from[E](
    error: Problem,
    *,
    error_type: Callable[..., E],
    codes: type[Enum],
    renamed: Mapping[str, str | None] | None = None,
) -> E:
    """Return `error` as an `error_type`, its code mapped into `codes` by value.

    Raises:
        GraphQLError: FORBIDDEN when the service refused the viewer: a
            permission refusal is never a payload error (docs/graphql.md).
    """
    if is_permission_error(error):
        raise from_domain(error)
    return error_type(
        field=graphql_field(error.field, renamed=renamed),
        code=codes(str(error.code)),
        message=error.message,
    )
