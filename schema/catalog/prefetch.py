"""Load a page's relations in one batch each, before its nodes resolve."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from apps.catalog.rows import ProductRow
from schema.context import Info
from schema.core.selection import selected_fields


async def prefetch_product_relations(info: Info, rows: Sequence[ProductRow]) -> None:
    """Load the categories and variants the client selected for `rows`.

    Same loaders, same one query per batch as resolving them field by field;
    but with the values settled, each Product's relations resolve without a
    coroutine, which is where GraphQL spends its time on a list.
    """
    wanted = selected_fields(info, "edges", "node")
    loaders = info.context.loaders
    pending = []
    if "category" in wanted:
        keys = list(dict.fromkeys(row.category_id for row in rows))
        pending.append(loaders.category_by_id.prefetch(keys))
    if "variants" in wanted:
        pending.append(
            loaders.variants_by_product_id.prefetch([row.id for row in rows])
        )
    await asyncio.gather(*pending)
