"""Domain errors: a machine-readable code plus a human message and field."""

from __future__ import annotations

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
