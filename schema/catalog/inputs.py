from __future__ import annotations

from decimal import Decimal

import strawberry
from strawberry import relay

from apps.catalog.errors import CatalogFilterError
from apps.catalog.filters import MAX_OPTION_VALUES, MAX_SEARCH_LENGTH, ProductFilter
from schema.core.errors import from_domain
from schema.core.ids import decode_global_id


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
            "Text in the name, brand or description, any case (at most "
            f"{MAX_SEARCH_LENGTH} characters)."
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
            )
        except CatalogFilterError as error:
            raise from_domain(error) from None
