"""Catalog loaders: each batch is one selector call, one SQL query."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from apps.catalog import attributes, json_documents, selectors, stock
from apps.catalog.filters import ProductFilter, ProductSort
from apps.catalog.rows import (
    CategoryRow,
    MediaRow,
    ProductAttributeRow,
    ProductRow,
    StockRow,
    VariantRow,
)
from apps.core.pagination import Page, Window
from schema.loaders.base import Loader

if TYPE_CHECKING:
    from collections.abc import Awaitable, Sequence


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


class ProductsByCollectionIdLoader(
    Loader[tuple[int, ProductFilter, ProductSort, Window], Page[ProductRow]]
):
    """Keys carry the filter and page; one query per distinct (filter, sort, window)."""

    async def batch_load_fn(
        self, keys: Sequence[tuple[int, ProductFilter, ProductSort, Window]]
    ) -> list[Page[ProductRow]]:
        groups: dict[tuple[ProductFilter, ProductSort, Window], list[int]] = {}
        for collection_id, filters, sort, window in keys:
            groups.setdefault((filters, sort, window), []).append(collection_id)
        pages: dict[
            tuple[int, ProductFilter, ProductSort, Window], Page[ProductRow]
        ] = {}
        for (filters, sort, window), ids in groups.items():
            found = await selectors.aproducts_by_collection_ids(
                ids, filters=filters, sort=sort, window=window
            )
            for collection_id in ids:
                pages[(collection_id, filters, sort, window)] = found[collection_id]
        return [pages[key] for key in keys]


class MediaByProductIdLoader(Loader[int, list[MediaRow]]):
    async def batch_load_fn(self, keys: Sequence[int]) -> list[list[MediaRow]]:
        found = await selectors.amedia_by_product_ids(list(keys))
        return [found.get(key, []) for key in keys]


class AttributesByProductIdLoader(Loader[int, list[ProductAttributeRow]]):
    async def batch_load_fn(
        self, keys: Sequence[int]
    ) -> list[list[ProductAttributeRow]]:
        found = await attributes.aattributes_by_product_ids(list(keys))
        return [found.get(key, []) for key in keys]


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


class ProductDocumentsLoader:
    """Product documents of one shape; keys are (product id, its category id).

    Like a dataloader, it gathers the keys asked for in one turn of the event
    loop (each category's page of products) into one statement. Unlike
    aiodataloader it keeps one future per batch rather than one per key:
    per-key futures cost about 1 ms of CPU on a page of 50 products, as much
    as the statement. Documents are None where the database cannot build
    them (SQLite) or a product has gone: the plan then writes the rows itself.
    """

    def __init__(self, shape: json_documents.Shape) -> None:
        self.shape = shape
        self._known: dict[int, json_documents.Document | None] = {}
        self._pending: dict[int, int] = {}
        self._batch: asyncio.Future[None] | None = None

    def know(
        self, ids: Sequence[int], documents: Sequence[json_documents.Document]
    ) -> None:
        """Record documents read with their page, as if a batch had loaded them."""
        self._known.update(zip(ids, documents, strict=True))

    def known(self, ids: Sequence[int]) -> list[json_documents.Document] | None:
        """The documents of `ids` already at hand, unread; None if one is not."""
        found = [self._known.get(pk) for pk in ids]
        return None if None in found else found  # type: ignore[return-value]

    def load_many(
        self, keys: Sequence[tuple[int, int]]
    ) -> Awaitable[list[dict[str, Any] | None]]:
        """The documents of `keys`, in order, from this turn's batch."""
        for pk, category_id in keys:
            if pk not in self._known:
                self._pending[pk] = category_id
        batch = self._batch
        if self._pending and batch is None:
            batch = self._batch = asyncio.get_running_loop().create_future()
            asyncio.get_running_loop().call_soon(self._dispatch)
        return self._documents([pk for pk, _ in keys], batch)

    async def _documents(
        self, ids: list[int], batch: asyncio.Future[None] | None
    ) -> list[dict[str, Any] | None]:
        if batch is not None:
            await batch
        found = [self._known.get(pk) for pk in ids]
        return [None if d is None else json_documents.parse(d.text) for d in found]

    def _dispatch(self) -> None:
        pending, batch = self._pending, self._batch
        self._pending, self._batch = {}, None
        assert batch is not None
        task = asyncio.ensure_future(self._fetch(pending))
        task.add_done_callback(lambda done: _settle(batch, done))

    async def _fetch(self, pending: dict[int, int]) -> None:
        ids = list(pending)
        found = await json_documents.aproduct_documents(
            ids, list(dict.fromkeys(pending.values())), self.shape
        )
        documents = found if found is not None else [None] * len(ids)
        self._known.update(zip(ids, documents, strict=True))


def _settle(batch: asyncio.Future[None], done: asyncio.Future[None]) -> None:
    """Pass the fetch's outcome, value or error, to everyone waiting on it."""
    if done.cancelled():
        batch.cancel()
    elif (error := done.exception()) is not None:
        batch.set_exception(error)
    else:
        batch.set_result(None)
