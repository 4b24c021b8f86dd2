"""Requests turned away before execution, each with a typed JSON error."""

from __future__ import annotations

from collections.abc import Mapping

from cross_web import HTTPException


class RequestRefused(HTTPException):
    """A request turned away before execution, answered with a typed JSON error."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        headers: Mapping[str, str] | None = None,
        pointer: str | None = None,
    ) -> None:
        super().__init__(status, message)
        self.code = code
        self.headers = dict(headers or {})
        self.pointer = pointer


def bad_request(message: str, *, pointer: str | None = None) -> RequestRefused:
    """Return the refusal for a request that is not well-formed."""
    return RequestRefused(400, "BAD_REQUEST", message, pointer=pointer)
