"""Relay connection arguments: validation, cursors and PageInfo."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from django.conf import settings
from strawberry import relay

from apps.core.pagination import Page, Position, Window
from schema.core.errors import InputErrorCode, input_error

FIRST_DESCRIPTION = "Return at most this many items from the start (0 to 100)."
LAST_DESCRIPTION = "Return at most this many items from the end (0 to 100)."
AFTER_DESCRIPTION = "Return items after this cursor (an `endCursor` of this query)."
BEFORE_DESCRIPTION = "Return items before this cursor (a `startCursor` of this query)."


def encode_cursor(position: Position, *, scope: str) -> str:
    """Return an opaque cursor; `scope` names the ordering it belongs to."""
    raw = json.dumps([scope, position.value, position.id], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode()


def decode_cursor(cursor: str, *, scope: str, field: str) -> Position:
    """Return the position in a cursor made by `encode_cursor` for `scope`.

    Raises:
        GraphQLError: INVALID_PAGINATION for a malformed or foreign cursor.
    """
    try:
        decoded: Any = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        cursor_scope, value, pk = decoded
        valid = (
            isinstance(value, str)
            and isinstance(pk, int)
            and cursor_scope == scope
            and 0 < pk < 2**63
            and "\x00" not in value
        )
        if valid:
            value.encode()  # a lone surrogate cannot reach the database either
    except (ValueError, TypeError, binascii.Error, UnicodeError):
        valid = False
    if not valid:
        raise input_error(
            InputErrorCode.INVALID_PAGINATION,
            f"{field}: not a cursor of this list and sort order.",
            field=field,
        )
    return Position(value=value, id=pk)


def window_from_args(
    *,
    first: int | None,
    last: int | None,
    after: str | None,
    before: str | None,
    scope: str,
) -> Window:
    """Validate Relay arguments into a Window (20 from the start by default).

    Raises:
        GraphQLError: PAGE_SIZE_EXCEEDED above the cap, INVALID_PAGINATION for
            negative sizes, `first` with `last`, or foreign cursors.
    """
    cap = settings.GRAPHQL_MAX_PAGE_SIZE
    if first is not None and last is not None:
        raise input_error(
            InputErrorCode.INVALID_PAGINATION, "Pass either first or last, not both."
        )
    for name, size in (("first", first), ("last", last)):
        if size is not None and size < 0:
            raise input_error(
                InputErrorCode.INVALID_PAGINATION,
                f"{name} must not be negative.",
                field=name,
            )
        if size is not None and size > cap:
            raise input_error(
                InputErrorCode.PAGE_SIZE_EXCEEDED,
                f"{name} is {size}, above the maximum page size of {cap}.",
                field=name,
            )
    if first is None and last is None:
        first = settings.GRAPHQL_DEFAULT_PAGE_SIZE
    return Window(
        first=first,
        last=last,
        after=decode_cursor(after, scope=scope, field="after")
        if after is not None
        else None,
        before=decode_cursor(before, scope=scope, field="before")
        if before is not None
        else None,
    )


def page_info(page: Page[Any], cursors: list[str]) -> relay.PageInfo:
    """Return the Relay PageInfo of a fetched page."""
    return relay.PageInfo(
        has_next_page=page.has_next,
        has_previous_page=page.has_previous,
        start_cursor=cursors[0] if cursors else None,
        end_cursor=cursors[-1] if cursors else None,
    )
