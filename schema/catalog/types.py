"""Catalog GraphQL types. Resolvers read plain rows; relations go through loaders."""

from __future__ import annotations

import asyncio
from datetime import datetime
from enum import Enum
from typing import Annotated, Any, cast

import strawberry
from strawberry import relay

from apps.catalog.filters import ProductFilter, ProductSort, effective_sort
from apps.catalog.rows import CategoryRow, ProductRow, StockRow, VariantRow
from apps.catalog.selectors import ProductSearch
from schema.catalog.attributes import ProductAttribute
from schema.catalog.facets import ProductFacets
from schema.catalog.media import ProductMedia, for_colour
from schema.catalog.prefetch import prefetch_product_relations
from schema.context import Info
from schema.core.ids import parse_pk
from schema.core.money import Money
from schema.core.pagination import (
    ConnectionArguments,
    PageArguments,
    encode_cursor,
    page_info,
)


@strawberry.enum(
    name="ProductSort",
    description="Order of products; ties are always broken by product ID, in the same direction.",
)
class ProductSortEnum(Enum):
    NAME_ASC = strawberry.enum_value(
        ProductSort.NAME_ASC.value, description="Name, A to Z."
    )
    NAME_DESC = strawberry.enum_value(
        ProductSort.NAME_DESC.value, description="Name, Z to A."
    )
    PRICE_ASC = strawberry.enum_value(
        ProductSort.PRICE_ASC.value, description="Base price, lowest first."
    )
    PRICE_DESC = strawberry.enum_value(
        ProductSort.PRICE_DESC.value, description="Base price, highest first."
    )
    NEWEST = strawberry.enum_value(
        ProductSort.NEWEST.value, description="Newest first."
    )
    OLDEST = strawberry.enum_value(
        ProductSort.OLDEST.value, description="Oldest first."
    )
    RELEVANCE = strawberry.enum_value(
        ProductSort.RELEVANCE.value,
        description=(
            "Best match to `filter.search` first (the default when searching); "
            "without search text, `NAME_ASC`."
        ),
    )

    def to_domain(self) -> ProductSort:
        return ProductSort(cast("str", self.value))


SORT_DESCRIPTION = (
    "Order of the products; by default `RELEVANCE` when searching, else `NAME_ASC`."
)


def sort_of(sort: ProductSortEnum | None, filters: ProductFilter) -> ProductSort:
    """The order a product list uses (apps.catalog.filters.effective_sort)."""
    return effective_sort(None if sort is None else sort.to_domain(), filters.search)


def _nodes_in_order[T](found: list[T | None], required: bool) -> list[T | None]:
    if required and any(node is None for node in found):
        msg = "Some of the requested objects do not exist."
        raise ValueError(msg)
    return found


@strawberry.type(
    description="Units of one variant. Quantities other than `available` are for staff."
)
class Stock:
    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, StockRow)

    available: int = strawberry.field(
        description="Units a customer can buy now: on hand minus reserved, never negative."
    )

    @strawberry.field(description="True when no unit is available.")
    def is_sold_out(self, root: strawberry.Parent[StockRow]) -> bool:
        return root.available <= 0

    @strawberry.field(description="True when 1 to 5 units are left.")
    def is_low(self, root: strawberry.Parent[StockRow]) -> bool:
        return 0 < root.available <= 5


@strawberry.type(
    description="One size and colour of a product: the unit a customer buys."
)
class ProductVariant(relay.Node):
    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, (VariantRow, cls))

    id: relay.NodeID[int]
    sku: str = strawberry.field(
        description="Stock-keeping unit, unique across the catalog."
    )
    size: str = strawberry.field(description="Size label as sold, e.g. `M` or `42`.")
    colour: str = strawberry.field(description="Colour name as sold, e.g. `Navy`.")
    available: int = strawberry.field(
        description="Units a customer can buy now (same as `stock.available`)."
    )

    @strawberry.field(
        description="Price of this variant: its override, else the product's base price."
    )
    def price(self, root: strawberry.Parent[VariantRow]) -> Money:
        return Money(amount=root.price, currency=root.currency)

    @strawberry.field(
        description=(
            "The price before the sale, to show struck through beside `price`; "
            "null when the variant is not on sale."
        )
    )
    def compare_at_price(self, root: strawberry.Parent[VariantRow]) -> Money | None:
        compare_at = root.compare_at_price
        if compare_at is None or compare_at <= root.price:
            return None  # a base price raised past it ends the sale
        return Money(amount=compare_at, currency=root.currency)

    @strawberry.field(
        description=(
            "The images of this variant's colour, in order; the product's "
            "images for every colour when its colour has none."
        )
    )
    async def media(
        self, root: strawberry.Parent[VariantRow], info: Info
    ) -> list[ProductMedia]:
        rows = await info.context.loaders.media_by_product_id.load(root.product_id)
        return for_colour(rows, root.colour)

    @strawberry.field(description="Stock level of this variant.")
    def stock(self, root: strawberry.Parent[VariantRow], info: Info) -> Stock:
        return info.context.loaders.stock_by_variant_id.get(root.id)  # type: ignore[return-value]

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Any, required: bool = False
    ) -> list[Any]:
        loader = info.context.loaders.variant_by_id
        found = await asyncio.gather(*(_load(loader, node_id) for node_id in node_ids))
        return _nodes_in_order(list(found), required)


@strawberry.type(description="A design for sale, with one variant per size and colour.")
class Product(relay.Node):
    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, (ProductRow, cls))

    id: relay.NodeID[int]
    name: str = strawberry.field(description="Display name.")
    slug: str = strawberry.field(
        description="URL-safe unique name, usable with `product(slug:)`."
    )
    description: str = strawberry.field(description="Long description, plain text.")
    brand: str = strawberry.field(description="Brand or designer name.")
    created_at: datetime = strawberry.field(
        description="When the product was created (UTC)."
    )
    updated_at: datetime = strawberry.field(
        description="When the product last changed (UTC)."
    )

    @strawberry.field(description="Price of the product; a variant may override it.")
    def base_price(self, root: strawberry.Parent[ProductRow]) -> Money:
        return Money(amount=root.base_price, currency=root.currency)

    @strawberry.field(description="The category the product is filed under.")
    def category(self, root: strawberry.Parent[ProductRow], info: Info) -> Category:
        return info.context.loaders.category_by_id.get(root.category_id)  # type: ignore[return-value]

    @strawberry.field(
        description="Every image of the product, in order, with the colour each shows."
    )
    async def media(
        self, root: strawberry.Parent[ProductRow], info: Info
    ) -> list[ProductMedia]:
        rows = await info.context.loaders.media_by_product_id.load(root.id)
        return [ProductMedia(row=row) for row in rows]

    @strawberry.field(
        description="Its attributes (material, fit, ...) in staff's order, with values."
    )
    async def attributes(
        self, root: strawberry.Parent[ProductRow], info: Info
    ) -> list[ProductAttribute]:
        return await info.context.loaders.attributes_by_product_id.load(root.id)  # type: ignore[return-value]

    @strawberry.field(description="All sizes and colours of the product, oldest first.")
    def variants(
        self, root: strawberry.Parent[ProductRow], info: Info
    ) -> list[ProductVariant]:
        return info.context.loaders.variants_by_product_id.get(root.id)  # type: ignore[return-value]

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Any, required: bool = False
    ) -> list[Any]:
        loader = info.context.loaders.product_by_id
        found = await asyncio.gather(*(_load(loader, node_id) for node_id in node_ids))
        return _nodes_in_order(list(found), required)


@strawberry.type(
    description="A page of products matching a filter, with its total and facets."
)
class ProductConnection(relay.Connection[Product]):
    search: strawberry.Private[ProductSearch | None] = None

    @strawberry.field(
        description="Number of products matching the filter, across all pages."
    )
    async def total_count(self) -> int:
        assert self.search is not None
        return await self.search.acount()

    @strawberry.field(
        description=(
            "The text searched for when typos in `filter.search` were corrected "
            "(`jakcet` is searched as `jacket`); null when searched as typed."
        )
    )
    async def corrected_search(self) -> str | None:
        assert self.search is not None
        return await self.search.acorrected()

    @strawberry.field(
        description="Filter options (sizes, colours, ...) for the same filter."
    )
    async def facets(self) -> ProductFacets:
        assert self.search is not None
        return await self.search.afacets()  # type: ignore[return-value]


@strawberry.type(description="A page of the products of one category.")
class CategoryProductConnection(relay.Connection[Product]):
    pass


@strawberry.type(description="A node of the category tree (e.g. Women > Dresses).")
class Category(relay.Node):
    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, (CategoryRow, cls))

    id: relay.NodeID[int]
    name: str = strawberry.field(description="Display name.")
    slug: str = strawberry.field(
        description="URL-safe unique name, usable with `category(slug:)`."
    )

    @strawberry.field(description="The category above this one; null at the top level.")
    async def parent(
        self, root: strawberry.Parent[CategoryRow], info: Info
    ) -> Category | None:
        if root.parent_id is None:
            return None
        return await info.context.loaders.category_by_id.load(root.parent_id)  # type: ignore[return-value]

    @strawberry.field(description="Direct subcategories, by name then ID.")
    async def children(
        self, root: strawberry.Parent[CategoryRow], info: Info
    ) -> list[Category]:
        return await info.context.loaders.categories_by_parent_id.load(root.id)  # type: ignore[return-value]

    @strawberry.field(
        description=(
            "Published products filed under this category or any category "
            "below it, as `products(filter: {category})` returns them."
        ),
        extensions=[ConnectionArguments()],
    )
    async def products(
        self,
        root: strawberry.Parent[CategoryRow],
        info: Info,
        paging: PageArguments,
        sort: Annotated[
            ProductSortEnum, strawberry.argument(description="Order of the products.")
        ] = ProductSortEnum.NAME_ASC,
    ) -> CategoryProductConnection:
        order = sort_of(sort, ProductFilter())
        scope = f"category-products:{order}"
        window = paging.window(scope=scope)
        page = await info.context.loaders.products_by_category_id.load(
            (root.id, order, window)
        )
        await prefetch_product_relations(info, page.rows)
        return connection_of(page, scope=scope, cls=CategoryProductConnection)  # type: ignore[no-any-return]

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Any, required: bool = False
    ) -> list[Any]:
        loader = info.context.loaders.category_by_id
        found = await asyncio.gather(*(_load(loader, node_id) for node_id in node_ids))
        return _nodes_in_order(list(found), required)


@strawberry.type(description="A page of categories.")
class CategoryConnection(relay.Connection[Category]):
    total: strawberry.Private[Any] = None

    @strawberry.field(description="Number of categories in the list, across all pages.")
    async def total_count(self) -> int:
        result: int = await self.total()
        return result


def connection_of(
    page: Any, *, scope: str, cls: type[relay.Connection[Any]], **extra: Any
) -> Any:
    """Build a Relay connection of rows from a keyset page."""
    cursors = [encode_cursor(position, scope=scope) for position in page.positions]
    edges = [
        relay.Edge(node=row, cursor=cursor)
        for row, cursor in zip(page.rows, cursors, strict=True)
    ]
    return cls(edges=edges, page_info=page_info(page, cursors), **extra)


async def _load(loader: Any, node_id: str) -> Any:
    pk = parse_pk(node_id)
    if pk is None:
        return None
    return await loader.load(pk)
