"""Strict JSON for GraphQL requests: apps.core.strict_json, refused as a 400."""

from __future__ import annotations

from apps.core.strict_json import MAX_JSON_DEPTH, StrictJSONError
from apps.core.strict_json import check_value as _check_value
from apps.core.strict_json import decode_json_text as _decode_json_text
from schema.http.refusals import bad_request

__all__ = ["MAX_JSON_DEPTH", "check_value", "decode_json_text"]


def decode_json_text(text: str, *, pointer: str = "") -> object:
    """Decode JSON, refusing (400) what later layers would choke on."""
    try:
        return _decode_json_text(text, pointer=pointer)
    except StrictJSONError as error:
        raise bad_request(error.message, pointer=error.pointer) from None


def check_value(value: object, pointer: str) -> None:
    """Check already decoded JSON (400 on NUL, surrogates, depth, infinities)."""
    try:
        _check_value(value, pointer)
    except StrictJSONError as error:
        raise bad_request(error.message, pointer=error.pointer) from None
