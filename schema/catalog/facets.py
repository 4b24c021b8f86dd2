from __future__ import annotations

from decimal import Decimal
from typing import Any

import strawberry
from strawberry import relay

from apps.catalog.rows import (
    AttributeFacet,
    AttributeFacetValue,
    CategoryFacet,
    FacetValue,
    PriceBounds,
)


@strawberry.type(
    description="One value of a facet and how many matching products have it."
)
class FacetCount:
    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, FacetValue)

    value: str = strawberry.field(description="The size or colour label.")
    count: int = strawberry.field(
        description="Number of matching products with this value."
    )


@strawberry.type(description="A category of matching products and how many it holds.")
class CategoryFacetCount:
    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, CategoryFacet)

    name: str = strawberry.field(
        description="Category name; several categories may share one (see label)."
    )
    label: str = strawberry.field(
        description=(
            "The name after its ancestors' names, from the top of the tree: "
            "`Women \u203a Shoes \u203a Sneakers`; unique in practice, for display."
        )
    )
    path: list[str] = strawberry.field(
        description="The same names as a list, top first: a breadcrumb."
    )
    count: int = strawberry.field(
        description=(
            "Number of matching products in the category or any category below "
            "it: what `filter.category` with this ID returns."
        )
    )

    @strawberry.field(
        description="The category's global ID, usable in `filter.category`."
    )
    def id(self, root: strawberry.Parent[CategoryFacet]) -> relay.GlobalID:
        return relay.GlobalID(type_name="Category", node_id=str(root.category_id))

    @strawberry.field(
        description="The global ID of the category above; null at the top level."
    )
    def parent_id(
        self, root: strawberry.Parent[CategoryFacet]
    ) -> relay.GlobalID | None:
        if root.parent_id is None:
            return None
        return relay.GlobalID(type_name="Category", node_id=str(root.parent_id))


@strawberry.type(description="Lowest and highest base price among matching products.")
class PriceRange:
    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, PriceBounds)

    min: Decimal | None = strawberry.field(
        description="Lowest base price; null when none match."
    )
    max: Decimal | None = strawberry.field(
        description="Highest base price; null when none match."
    )
    count: int = strawberry.field(description="Number of products the bounds cover.")


@strawberry.type(description="One value of an attribute and how many matches have it.")
class AttributeFacetCount:
    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, AttributeFacetValue)

    slug: str = strawberry.field(
        description="The value's slug, for `filter.attributes[].values`."
    )
    name: str = strawberry.field(description="The value for display: `Linen`.")
    count: int = strawberry.field(
        description="Number of matching products with this value."
    )


@strawberry.type(description="A filterable attribute and its values among matches.")
class AttributeFacetGroup:
    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, AttributeFacet)

    slug: str = strawberry.field(
        description="The attribute's slug, for `filter.attributes[].attribute`."
    )
    name: str = strawberry.field(description="The attribute for display: `Material`.")
    values: list[AttributeFacetCount] = strawberry.field(
        description="Its values that matching products have, in staff's order."
    )


@strawberry.type(
    description=(
        "Filter options for a product list. Each facet applies every filter except "
        "its own, so other choices stay visible; counts are distinct products. "
        "Sizes, colours and categories are ordered by count, highest first, then by name."
    )
)
class ProductFacets:
    sizes: list[FacetCount] = strawberry.field(description="Sizes on offer.")
    colours: list[FacetCount] = strawberry.field(description="Colours on offer.")
    categories: list[CategoryFacetCount] = strawberry.field(
        description=(
            "Categories of matches, each with its ancestors: a product in "
            "Women \u203a Dresses counts for both."
        )
    )
    price: PriceRange = strawberry.field(
        description="Base price bounds, ignoring the price filter."
    )
    attributes: list[AttributeFacetGroup] = strawberry.field(
        description=(
            "Filterable attributes (material, fit, ...) in staff's order, each "
            "ignoring its own filter; attributes no match has are left out."
        )
    )
