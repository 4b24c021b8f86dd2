from __future__ import annotations

from decimal import Decimal

import strawberry
from strawberry import relay

from apps.catalog.errors import CatalogFilterError
from apps.catalog.filters import (
    MAX_ATTRIBUTE_FILTERS,
    MAX_OPTION_VALUES,
    MAX_SEARCH_LENGTH,
    AttributeCondition,
    ProductFilter,
)
from schema.core.errors import from_domain
from schema.core.ids import decode_global_id


@strawberry.input(description="Products having any of these values of one attribute.")
class AttributeFilterInput:
    attribute: str = strawberry.field(
        description="The attribute's slug, as facets give it: `material`."
    )
    values: list[str] = strawberry.field(
        description=(
            f'Value slugs, any of which matches: `["linen", "silk"]` '
            f"(1 to {MAX_OPTION_VALUES})."
        )
    )


@strawberry.input(
    description=(
        "Conditions on products; all given conditions must hold. Size, colour and "
        "in-stock conditions must hold for one and the same variant."
    )
)
class ProductFilterInput:
    category: relay.GlobalID | None = strawberry.field(
        default=None,
        description="A category ID; products in it or any subcategory match.",
    )
    search: str | None = strawberry.field(
        default=None,
        description=(
            "Words to search for, at most "
            f"{MAX_SEARCH_LENGTH} characters. On PostgreSQL: full text over "
            "name, brand, category, attributes, colours and description, with web "
            'search syntax (`"wrap dress"`, `linen or silk`, `dress -maxi`), '
            "word forms (`dresses` finds `dress`) and typos corrected; ranked "
            "by `RELEVANCE`. On SQLite: a substring of the name, brand or "
            "description, any case."
        ),
    )
    price_min: Decimal | None = strawberry.field(
        default=None,
        description="Lowest base price, inclusive, in the product's currency.",
    )
    price_max: Decimal | None = strawberry.field(
        default=None,
        description="Highest base price, inclusive; must not be below `priceMin`.",
    )
    sizes: list[str] | None = strawberry.field(
        default=None,
        description=f"Any of these sizes, exact labels (at most {MAX_OPTION_VALUES}).",
    )
    colours: list[str] | None = strawberry.field(
        default=None,
        description=f"Any of these colours, exact labels (at most {MAX_OPTION_VALUES}).",
    )
    in_stock: bool | None = strawberry.field(
        default=None, description="When true, only variants with units available count."
    )

    attributes: list[AttributeFilterInput] | None = strawberry.field(
        default=None,
        description=(
            "Attribute conditions, all of which must hold (at most "
            f"{MAX_ATTRIBUTE_FILTERS}, each attribute once)."
        ),
    )

    def to_domain(self) -> ProductFilter:
        """Return the domain filter; GraphQL errors for bad values."""
        category_id = (
            decode_global_id(self.category, expected="Category", field="category")
            if self.category is not None
            else None
        )
        try:
            return ProductFilter(
                category_id=category_id,
                search=self.search,
                price_min=self.price_min,
                price_max=self.price_max,
                sizes=tuple(self.sizes or ()),
                colours=tuple(self.colours or ()),
                in_stock=bool(self.in_stock),
                attributes=tuple(
                    AttributeCondition(wanted.attribute, tuple(wanted.values))
                    for wanted in self.attributes or ()
                ),
            )
        except CatalogFilterError as error:
            raise from_domain(error) from None
