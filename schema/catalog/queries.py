from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay

from apps.catalog import json_documents, selectors
from apps.catalog.filters import ProductFilter, ProductSort
from apps.catalog.rows import ProductRow
from apps.core.errors import DomainError
from apps.core.pagination import Page, Window
from schema.catalog.documents import selection_shape
from schema.catalog.inputs import ProductFilterInput
from schema.catalog.prefetch import know_relations, selected_relations
from schema.catalog.types import (
    SORT_DESCRIPTION,
    Category,
    CategoryConnection,
    Product,
    ProductConnection,
    ProductSortEnum,
    connection_of,
    sort_of,
)
from schema.context import Info
from schema.core.errors import InputErrorCode, from_domain, input_error
from schema.core.ids import decode_global_id
from schema.core.pagination import (
    ConnectionArguments,
    PageArguments,
)


def _one_of(id_: relay.GlobalID | None, slug: str | None) -> None:
    if (id_ is None) == (slug is None):
        raise input_error(
            InputErrorCode.BAD_USER_INPUT, "Pass exactly one of id or slug."
        )


@strawberry.type
class CatalogQuery:
    @strawberry.field(
        description="A published product by ID or slug (exactly one); null if none."
    )
    async def product(
        self,
        info: Info,
        id: Annotated[
            relay.GlobalID | None, strawberry.argument(description="Product ID.")
        ] = None,
        slug: Annotated[
            str | None, strawberry.argument(description="Product slug.")
        ] = None,
    ) -> Product | None:
        _one_of(id, slug)
        if id is not None:
            pk = decode_global_id(id, expected="Product", field="id")
            return await info.context.loaders.product_by_id.load(pk)  # type: ignore[return-value]
        assert slug is not None
        return await selectors.aproduct_by_slug(slug=slug)  # type: ignore[return-value]

    @strawberry.field(
        description="A category by ID or slug (exactly one); null if none."
    )
    async def category(
        self,
        info: Info,
        id: Annotated[
            relay.GlobalID | None, strawberry.argument(description="Category ID.")
        ] = None,
        slug: Annotated[
            str | None, strawberry.argument(description="Category slug.")
        ] = None,
    ) -> Category | None:
        _one_of(id, slug)
        if id is not None:
            pk = decode_global_id(id, expected="Category", field="id")
            return await info.context.loaders.category_by_id.load(pk)  # type: ignore[return-value]
        assert slug is not None
        return await selectors.acategory_by_slug(slug=slug)  # type: ignore[return-value]

    @strawberry.field(
        description="Categories by name, then ID.",
        extensions=[ConnectionArguments()],
    )
    async def categories(
        self,
        paging: PageArguments,
        top_level_only: Annotated[
            bool, strawberry.argument(description="Only categories without a parent.")
        ] = False,
    ) -> CategoryConnection:
        scope = "categories"
        window = paging.window(scope=scope)
        try:
            page = await selectors.acategory_page(
                top_level_only=top_level_only, window=window
            )
        except DomainError as error:
            raise from_domain(error) from None
        return connection_of(  # type: ignore[no-any-return]
            page,
            scope=scope,
            cls=CategoryConnection,
            total=lambda: selectors.acategory_count(top_level_only=top_level_only),
        )

    @strawberry.field(
        description=(
            "Published products matching `filter`, in `sort` order; cursors are "
            "valid for the same sort order."
        ),
        extensions=[ConnectionArguments()],
    )
    async def products(
        self,
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
        scope = f"products:{order}"
        window = paging.window(scope=scope)
        search = selectors.ProductSearch(filters)
        try:
            page = await _page(info, search, order, window)
        except DomainError as error:
            raise from_domain(error) from None
        return connection_of(  # type: ignore[no-any-return]
            page, scope=scope, cls=ProductConnection, search=search
        )


async def _page(
    info: Info, search: selectors.ProductSearch, order: ProductSort, window: Window
) -> Page[ProductRow]:
    """Read the page and, in the same hop, what its nodes will need.

    Documents when the plan will write the nodes from them
    (schema/catalog/documents.py), else the categories and variants selected.
    """
    shape = selection_shape(info)
    if shape is not None and not json_documents.relations(shape):
        return await search.apage(sort=order, window=window)  # only the rows
    if shape is not None:
        with_documents = await search.apage_with_documents(
            sort=order, window=window, shape=shape
        )
        if with_documents.documents is not None:
            info.context.loaders.product_documents(shape).know(
                [row.id for row in with_documents.page.rows], with_documents.documents
            )
        return with_documents.page
    categories, variants = selected_relations(info)  # shape is None: no documents
    found = await search.apage_with_relations(
        sort=order, window=window, categories=categories, variants=variants
    )
    know_relations(info, found)
    return found.page
