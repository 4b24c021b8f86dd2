"""`node` and `nodes`: fetch any object by its global ID."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

import strawberry
from strawberry import relay

from schema.context import Info
from schema.core.errors import InputErrorCode, input_error

MAX_NODES = 100


async def _resolve(info: Info, global_id: relay.GlobalID) -> Any:
    node_type = info.schema.get_type_by_name(global_id.type_name)
    origin = getattr(node_type, "origin", None)
    if origin is None or not (
        isinstance(origin, type) and issubclass(origin, relay.Node)
    ):
        raise input_error(
            InputErrorCode.INVALID_ID, f"{global_id.type_name} is not a type with IDs."
        )
    (found,) = await origin.resolve_nodes(  # type: ignore[misc]
        info=info, node_ids=[global_id.node_id]
    )
    return found


@strawberry.type
class NodeQuery:
    @strawberry.field(
        description="Any object by its global ID; null if it does not exist."
    )
    async def node(
        self,
        info: Info,
        id: Annotated[relay.GlobalID, strawberry.argument(description="A global ID.")],
    ) -> relay.Node | None:
        return await _resolve(info, id)  # type: ignore[no-any-return]

    @strawberry.field(
        description=(
            f"Objects by global ID, in the order asked (at most {MAX_NODES}); null for each "
            "that does not exist."
        )
    )
    async def nodes(
        self,
        info: Info,
        ids: Annotated[
            list[relay.GlobalID], strawberry.argument(description="Global IDs.")
        ],
    ) -> list[relay.Node | None]:
        if len(ids) > MAX_NODES:
            raise input_error(
                InputErrorCode.PAGE_SIZE_EXCEEDED,
                f"At most {MAX_NODES} IDs can be fetched at once.",
            )
        return list(await asyncio.gather(*(_resolve(info, gid) for gid in ids)))
