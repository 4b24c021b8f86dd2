"""Relay global IDs: the only place they turn into database ids."""

from __future__ import annotations

from strawberry import relay

from schema.core.errors import InputErrorCode, input_error


def decode_global_id(value: relay.GlobalID | str, *, expected: str, field: str) -> int:
    """Return the integer pk inside a global ID of type `expected`.

    Raises:
        GraphQLError: INVALID_ID for malformed IDs and IDs of another type.
    """
    try:
        gid = (
            value
            if isinstance(value, relay.GlobalID)
            else relay.GlobalID.from_id(value)
        )
    except (relay.GlobalIDValueError, ValueError):
        raise input_error(
            InputErrorCode.INVALID_ID, f"{field}: not a valid ID.", field=field
        ) from None
    if gid.type_name != expected:
        raise input_error(
            InputErrorCode.INVALID_ID,
            f"{field}: expected a {expected} ID, got a {gid.type_name} ID.",
            field=field,
        )
    pk = parse_pk(gid.node_id)
    if pk is None:
        raise input_error(
            InputErrorCode.INVALID_ID, f"{field}: not a valid ID.", field=field
        )
    return pk


def parse_pk(node_id: str) -> int | None:
    """Return the positive int in `node_id`, or None when it is not one."""
    if not node_id.isascii() or not node_id.isdigit() or len(node_id) > 18:
        return None
    pk = int(node_id)
    return pk if pk > 0 else None
