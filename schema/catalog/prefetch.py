"""Load a page's relations in one batch each, before its nodes resolve."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from apps.catalog.rows import ProductRow
from apps.catalog.selectors import PageWithRelations
from schema.catalog.documents import selection_shape
from schema.context import Info
from schema.core.selection import selected_fields


def wanted_relations(info: Info) -> tuple[bool, bool]:
    """Whether to load the nodes' categories, and their variants, with the page.

    Neither when the nodes will come as documents (schema/catalog/documents.py).
    """
    if selection_shape(info) is not None:
        return False, False
    return selected_relations(info)


def selected_relations(info: Info) -> tuple[bool, bool]:
    """Whether the client selected the nodes' category, and their variants."""
    wanted = selected_fields(info, "edges", "node")
    return "category" in wanted, "variants" in wanted


def know_relations(info: Info, found: PageWithRelations) -> None:
    """Hand relations read with the page to the request's loaders."""
    loaders = info.context.loaders
    if found.categories is not None:
        categories = found.categories
        for category_id in {row.category_id for row in found.page.rows}:
            loaders.category_by_id.know(category_id, categories.get(category_id))
    if found.variants is not None:
        for row in found.page.rows:
            variants = found.variants.get(row.id, [])
            loaders.variants_by_product_id.know(row.id, variants)
            for variant in variants:
                loaders.stock_by_variant_id.know(variant.id, variant.stock)


async def prefetch_product_relations(info: Info, rows: Sequence[ProductRow]) -> None:
    """Load the categories and variants the client selected for `rows`.

    Same loaders, same one query per batch as resolving them field by field;
    but with the values settled, each Product's relations resolve without a
    coroutine, which is where GraphQL spends its time on a list.
    """
    categories, variants = wanted_relations(info)
    loaders = info.context.loaders
    pending = []
    if categories:
        keys = list(dict.fromkeys(row.category_id for row in rows))
        pending.append(loaders.category_by_id.prefetch(keys))
    if variants:
        pending.append(
            loaders.variants_by_product_id.prefetch([row.id for row in rows])
        )
    await asyncio.gather(*pending)
