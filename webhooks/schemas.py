"""Response bodies shared by the endpoints, for the OpenAPI document.

Ninja names a component after its class and silently keeps the last of two
classes with one name, so a body used by several routers is defined once here.
"""

from __future__ import annotations

from ninja import Schema


class ErrorDetail(Schema):
    code: str
    message: str


class Refusal(Schema):
    """Every refusal written by this API: `{"error": {"code", "message"}}`."""

    error: ErrorDetail


class ValidationIssue(Schema):
    type: str
    loc: list[str | int]
    msg: str


class ValidationRefusal(Schema):
    """Django Ninja's own answer to a parameter that does not parse (422)."""

    detail: list[ValidationIssue]
