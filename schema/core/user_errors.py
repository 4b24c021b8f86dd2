"""The one shape of mutation errors; each domain supplies its code enum.

A domain subclasses `UserError[ItsCodeEnum]` under its own GraphQL name
(AccountError, OrderError, ...), so every payload's `errors` has the same
fields and a precise `code` enum clients can switch on exhaustively.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Generic, TypeVar

import strawberry

from apps.core.errors import DomainError

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
    error: DomainError, *, error_type: Callable[..., E], codes: type[Enum]
) -> E:
    """Return `error` as an `error_type`, its code mapped into `codes` by value."""
    return error_type(
        field=_camel(error.field) if error.field else None,
        code=codes(str(error.code)),
        message=error.message,
    )


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)
