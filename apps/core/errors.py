"""Domain errors: a machine-readable code plus a human message and field."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum


class DomainError(Exception):
    """Base of every error a service raises on purpose.

    Interfaces map `code` to their own error shape (GraphQL extensions,
    mutation `errors`, HTTP JSON); anything else is a bug and gets masked.
    """

    code: StrEnum
    field: str | None
    # Whether the same call may succeed later unchanged (a busy row); a
    # background job retries these and fails the others at once.
    retryable: bool = False

    def __init__(self, code: StrEnum, message: str, *, field: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


# What each code means, for API documentation (the GraphQL enums are built
# from these). Kept beside each enum by `describe`, framework-free.
# Keyed by (enum, name): StrEnum members of equal value compare equal.
_DESCRIPTIONS: dict[tuple[type[StrEnum], str], str] = {}


def describe[Code: StrEnum](
    codes: type[Code], descriptions: Mapping[Code, str]
) -> None:
    """Record what each code of `codes` means, in a sentence for API clients.

    A description may name a setting in braces, e.g. `{ORDERS_MAX_UNITS_PER_LINE}`:
    an interface fills it in from settings, so documented limits follow them.
    """
    strays = set(descriptions) - set(codes)
    assert not strays, f"not codes of {codes.__name__}: {strays}"
    _DESCRIPTIONS.update(
        {(codes, code.name): text for code, text in descriptions.items()}
    )


def code_description(code: StrEnum) -> str | None:
    """Return the description recorded by `describe`, or None."""
    return _DESCRIPTIONS.get((type(code), code.name))
