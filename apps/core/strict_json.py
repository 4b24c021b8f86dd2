"""JSON decoding that refuses what later layers would choke on.

Shared by every interface that reads JSON from outside (GraphQL requests,
provider webhooks); each maps StrictJSONError to its own 400.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any, NoReturn


class StrictJSONError(Exception):
    """The text is not JSON we will store: `pointer` says where (RFC 6901)."""

    def __init__(self, message: str, *, pointer: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.pointer = pointer


# Request bodies nest a few levels (filters inside variables); anything deeper
# is an attack on recursive code further down (coercion, logging, the ORM).
MAX_JSON_DEPTH = 32

# Characters PostgreSQL text cannot hold: NUL, and UTF-16 surrogates, which
# JSON escapes (\ud800) can smuggle in although UTF-8 cannot encode them.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _refuse_constant(name: str) -> NoReturn:
    raise StrictJSONError(
        f"{name} is not valid JSON (RFC 8259 has no NaN or Infinity)."
    )


def decode_json_text(text: str, *, pointer: str = "") -> object:
    """Decode JSON, refusing what later layers would choke on.

    Refused: invalid JSON, NaN/Infinity (Python accepts them, JSON does not),
    numbers that overflow to infinity, nesting deeper than MAX_JSON_DEPTH,
    and strings with NUL or surrogate code points.
    """
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        raise StrictJSONError(
            f"JSON nested deeper than {MAX_JSON_DEPTH} levels.", pointer=pointer
        ) from None
    except ValueError as error:  # JSONDecodeError, or an int over 4300 digits
        raise StrictJSONError(f"Invalid JSON: {error}", pointer=pointer) from None
    check_value(value, pointer)
    return value


def check_value(value: object, pointer: str) -> None:
    """Walk decoded JSON without recursion, checking every string and number."""
    # (value, depth, parent path, key): paths are built only for the message.
    stack: list[tuple[object, int, tuple[Any, ...] | None, str]] = [
        (value, 0, None, pointer)
    ]
    while stack:
        item, depth, parent, key = stack.pop()
        if isinstance(item, str):
            _check_text(item, parent, key)
        elif isinstance(item, float) and not math.isfinite(item):
            raise StrictJSONError(
                "Numbers must be finite.", pointer=_pointer(parent, key)
            )
        elif isinstance(item, dict | list):
            if depth >= MAX_JSON_DEPTH:
                raise StrictJSONError(
                    f"JSON nested deeper than {MAX_JSON_DEPTH} levels.",
                    pointer=_pointer(parent, key),
                )
            path = (parent, key)
            if isinstance(item, dict):
                for name, child in item.items():
                    _check_text(name, path, name)
                    stack.append((child, depth + 1, path, name))
            else:
                stack.extend(
                    (child, depth + 1, path, str(index))
                    for index, child in enumerate(item)
                )


def _check_text(text: str, parent: tuple[Any, ...] | None, key: str) -> None:
    if _UNSTORABLE.search(text) is not None:
        raise StrictJSONError(
            "Text may not contain NUL (U+0000) or surrogates (U+D800 to U+DFFF).",
            pointer=_pointer(parent, key),
        )


def _pointer(parent: tuple[Any, ...] | None, key: str) -> str:
    """Return the RFC 6901 JSON Pointer of `key` under the `parent` chain."""
    parts = [key]
    while parent is not None:
        parent, name = parent
        parts.append(name)
    parts.reverse()
    escaped = (part.replace("~", "~0").replace("/", "~1") for part in parts[1:])
    return parts[0] + "".join(f"/{part}" for part in escaped)
