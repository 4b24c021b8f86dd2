"""Catalog loaders: each batch is one selector call, one SQL query."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from apps.catalog import json_documents, selectors, stock
from apps.catalog.filters import ProductSort
from apps.catalog.rows import CategoryRow, ProductRow, StockRow, VariantRow
from apps.core.pagination import Page, Window
from schema.loaders.base import Loader

if TYPE_CHECKING:
    from collections.abc import Sequence


class CategoryByIdLoader(Loader[int, CategoryRow | None]):
    async def batch_load_fn(self, keys: Sequence[int]) -> list[CategoryRow | None]:
        found = await selectors.acategories_by_ids(list(keys))
        return [found.get(key) for key in keys]


class CategoriesByParentIdLoader(Loader[int, list[CategoryRow]]):
    async def batch_load_fn(self, keys: Sequence[int]) -> list[list[CategoryRow]]:
        found = await selectors.achildren_by_parent_ids(list(keys))
        return [found.get(key, []) for key in keys]


class ProductByIdLoader(Loader[int, ProductRow | None]):
    async def batch_load_fn(self, keys: Sequence[int]) -> list[ProductRow | None]:
        found = await selectors.aproducts_by_ids(list(keys))
        return [found.get(key) for key in keys]


class ProductsByCategoryIdLoader(
    Loader[tuple[int, ProductSort, Window], Page[ProductRow]]
):
    """Keys carry the page asked for; one query per distinct (sort, window)."""

    async def batch_load_fn(
        self, keys: Sequence[tuple[int, ProductSort, Window]]
    ) -> list[Page[ProductRow]]:
        groups: dict[tuple[ProductSort, Window], list[int]] = {}
        for category_id, sort, window in keys:
            groups.setdefault((sort, window), []).append(category_id)
        pages: dict[tuple[int, ProductSort, Window], Page[ProductRow]] = {}
        for (sort, window), ids in groups.items():
            found = await selectors.aproducts_by_category_ids(
                ids, sort=sort, window=window
            )
            for category_id, page in found.items():
                pages[(category_id, sort, window)] = page
        return [pages[key] for key in keys]


class StockByVariantIdLoader(Loader[int, StockRow]):
    async def batch_load_fn(self, keys: Sequence[int]) -> list[StockRow]:
        found = await selectors.astock_by_variant_ids(list(keys))
        return [found[key] for key in keys]


class VariantsByProductIdLoader(Loader[int, list[VariantRow]]):
    """Variants come with their stock, which the stock loader then knows."""

    def __init__(self, stock_by_variant_id: StockByVariantIdLoader) -> None:
        super().__init__()
        self.stock_by_variant_id = stock_by_variant_id

    async def batch_load_fn(self, keys: Sequence[int]) -> list[list[VariantRow]]:
        found = await selectors.avariants_by_product_ids(list(keys))
        for variants in found.values():
            for variant in variants:
                self.stock_by_variant_id.know(variant.id, variant.stock)
        return [found.get(key, []) for key in keys]


class VariantByIdLoader(Loader[int, VariantRow | None]):
    async def batch_load_fn(self, keys: Sequence[int]) -> list[VariantRow | None]:
        found = await selectors.avariants_by_ids(list(keys))
        return [found.get(key) for key in keys]


class SaleVariantPartByIdLoader(Loader[int, stock.SaleVariantPart | None]):
    """Variants as orders see them: unpublished ones too, so they can be named."""

    async def batch_load_fn(
        self, keys: Sequence[int]
    ) -> list[stock.SaleVariantPart | None]:
        found = await stock.asale_variant_parts_by_ids(keys)
        return [found.get(key) for key in keys]


class SaleProductPartByIdLoader(Loader[int, stock.SaleProductPart | None]):
    """Products as orders see them: unpublished ones too."""

    async def batch_load_fn(
        self, keys: Sequence[int]
    ) -> list[stock.SaleProductPart | None]:
        found = await stock.asale_product_parts_by_ids(keys)
        return [found.get(key) for key in keys]


class ProductDocumentsLoader(Loader[tuple[int, int], dict[str, Any] | None]):
    """Product documents of one shape; keys are (product id, its category id).

    None for every key where the database cannot build documents (SQLite) or
    a product has gone: the plan then writes the rows itself.
    """

    def __init__(self, shape: json_documents.Shape) -> None:
        super().__init__()
        self.shape = shape

    async def batch_load_fn(
        self, keys: Sequence[tuple[int, int]]
    ) -> list[dict[str, Any] | None]:
        found = await json_documents.aproduct_documents(
            [pk for pk, _ in keys],
            list(dict.fromkeys(category for _, category in keys)),
            self.shape,
        )
        return list(found) if found is not None else [None] * len(keys)
