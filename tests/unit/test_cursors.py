from __future__ import annotations

import base64

import pytest
from graphql import GraphQLError

from apps.core.pagination import Position
from schema.core.pagination import decode_cursor, encode_cursor


def test_a_cursor_round_trips_its_position():
    position = Position(value="49.90", id=17)

    cursor = encode_cursor(position, scope="products:PRICE_ASC")

    assert decode_cursor(cursor, scope="products:PRICE_ASC", field="after") == position


def test_a_cursor_of_another_scope_is_refused():
    cursor = encode_cursor(Position(value="a", id=1), scope="products:NAME_ASC")

    with pytest.raises(GraphQLError) as error:
        decode_cursor(cursor, scope="products:PRICE_ASC", field="after")

    assert error.value.extensions == {"code": "INVALID_PAGINATION", "field": "after"}


@pytest.mark.parametrize(
    "cursor",
    [
        "%%%",
        base64.urlsafe_b64encode(b"[1,2]").decode(),
        base64.urlsafe_b64encode(b'["products:NAME_ASC", 5, "x"]').decode(),
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
        base64.urlsafe_b64encode(b'["products:NAME_ASC", "a\\u0000", 1]').decode(),
        base64.urlsafe_b64encode(b'["products:NAME_ASC", "\\ud800", 1]').decode(),
        base64.urlsafe_b64encode(
            b'["products:NAME_ASC", "a", 99999999999999999999]'
        ).decode(),
    ],
    ids=[
        "not_base64_case",
        "wrong_arity_case",
        "wrong_types_case",
        "not_utf8_case",
        "nul_case",
        "surrogate_case",
        "huge_id_case",
    ],
)
def test_a_tampered_cursor_is_refused(cursor):
    with pytest.raises(GraphQLError) as error:
        decode_cursor(cursor, scope="products:NAME_ASC", field="before")

    assert error.value.message == "before: not a cursor of this list and sort order."
