"""Collections in GraphQL: `collections`, `collection(slug)` and each one's products."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Annotated, Any

import strawberry
from strawberry import relay

from apps.catalog import collections, selectors
from apps.catalog.filters import ProductFilter
from apps.catalog.rows import CollectionRow
from apps.core.errors import DomainError
from schema.catalog.inputs import ProductFilterInput
from schema.catalog.media import WIDTH_MAX, ImageFormatEnum, image_url
from schema.catalog.prefetch import prefetch_product_relations
from schema.catalog.types import (
    SORT_DESCRIPTION,
    ProductConnection,
    ProductSortEnum,
    connection_of,
    sort_of,
)
from schema.context import Info
from schema.core.errors import from_domain
from schema.core.ids import parse_pk
from schema.core.pagination import ConnectionArguments, PageArguments


@dataclass(frozen=True, slots=True)
class _Stored:
    """What `media.media_url` reads: an original and its renditions."""

    original: str
    renditions: dict[str, dict[str, str]]


@strawberry.type(description="An image with its sizes, e.g. a collection's banner.")
class Image:
    alt: str = strawberry.field(description="What it shows; may be empty.")
    stored: strawberry.Private[_Stored]

    @strawberry.field(
        description=(
            "The nearest ready rendition at least `width` pixels wide, as for "
            "ProductMedia.url; immutable."
        )
    )
    def url(
        self,
        width: Annotated[
            int | None,
            strawberry.argument(description=f"Wanted width, 1 to {WIDTH_MAX} pixels."),
        ] = None,
        format: Annotated[
            ImageFormatEnum, strawberry.argument(description="WEBP or JPEG.")
        ] = ImageFormatEnum.WEBP,
    ) -> str:
        return image_url(self.stored, width, format)


@strawberry.type(
    description=(
        'A curated set of products ("Summer sale", "New in"), visible while '
        "published and inside its publication window."
    )
)
class Collection(relay.Node):
    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, (CollectionRow, cls))

    id: relay.NodeID[int]
    name: str = strawberry.field(description="Display name.")
    slug: str = strawberry.field(
        description="URL-safe unique name, for collection(slug:)."
    )
    description: str = strawberry.field(description="Long description, plain text.")

    @strawberry.field(description="Title for search engines; the name when empty.")
    def seo_title(self, root: strawberry.Parent[CollectionRow]) -> str:
        return root.seo_title or root.name

    @strawberry.field(description="Description for search engines; may be empty.")
    def seo_description(self, root: strawberry.Parent[CollectionRow]) -> str:
        return root.seo_description

    @strawberry.field(description="Its banner image; null when it has none.")
    def image(self, root: strawberry.Parent[CollectionRow]) -> Image | None:
        if not root.image_original:
            return None
        return Image(
            alt=root.image_alt,
            stored=_Stored(root.image_original, root.image_renditions),
        )

    @strawberry.field(
        description=(
            "Its published products matching `filter`, in `sort` order, with "
            "totalCount and facets as `products` has them."
        ),
        extensions=[ConnectionArguments()],
    )
    async def products(
        self,
        root: strawberry.Parent[CollectionRow],
        info: Info,
        paging: PageArguments,
        filter: Annotated[
            ProductFilterInput | None,
            strawberry.argument(description="Conditions on products."),
        ] = None,
        sort: Annotated[
            ProductSortEnum | None, strawberry.argument(description=SORT_DESCRIPTION)
        ] = None,
    ) -> ProductConnection:
        filters = filter.to_domain() if filter is not None else ProductFilter()
        order = sort_of(sort, filters)
        scope = f"collection-products:{order}"
        window = paging.window(scope=scope)
        try:
            # Batched with the other collections on the page: one query for all.
            page = await info.context.loaders.products_by_collection_id.load(
                (root.id, filters, order, window)
            )
        except DomainError as error:
            raise from_domain(error) from None
        await prefetch_product_relations(info, page.rows)
        # totalCount and facets, when asked, count this collection's matches.
        search = selectors.ProductSearch(replace(filters, collection_id=root.id))
        return connection_of(  # type: ignore[no-any-return]
            page, scope=scope, cls=ProductConnection, search=search
        )

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Any, required: bool = False
    ) -> list[Any]:
        pks = [parse_pk(node_id) for node_id in node_ids]
        found = await collections.acollections_by_ids([pk for pk in pks if pk])
        nodes = [found.get(pk) if pk else None for pk in pks]
        if required and any(node is None for node in nodes):
            msg = "Some of the requested objects do not exist."
            raise ValueError(msg)
        return nodes


@strawberry.type(description="A page of collections, in staff's order.")
class CollectionConnection(relay.Connection[Collection]):
    total: strawberry.Private[Any] = None

    @strawberry.field(description="Number of visible collections, across all pages.")
    async def total_count(self) -> int:
        count: int = await self.total()
        return count


@strawberry.type
class CollectionQuery:
    @strawberry.field(
        description="Visible collections in staff's order, then by ID.",
        extensions=[ConnectionArguments()],
    )
    async def collections(self, paging: PageArguments) -> CollectionConnection:
        scope = "collections"
        window = paging.window(scope=scope)
        try:
            page = await collections.acollection_page(window=window)
        except DomainError as error:
            raise from_domain(error) from None
        return connection_of(  # type: ignore[no-any-return]
            page,
            scope=scope,
            cls=CollectionConnection,
            total=collections.acollection_count,
        )

    @strawberry.field(description="A visible collection by slug; null if none.")
    async def collection(
        self,
        slug: Annotated[str, strawberry.argument(description="The collection's slug.")],
    ) -> Collection | None:
        return await collections.acollection_by_slug(slug=slug)  # type: ignore[return-value]
