"""A product's attributes as shoppers see them (material, fit, ...)."""

from __future__ import annotations

from typing import Any

import strawberry

from apps.catalog.rows import AttributeValueRow, ProductAttributeRow


@strawberry.type(description="One value of an attribute: `Linen` for material.")
class AttributeValue:
    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, AttributeValueRow)

    slug: str = strawberry.field(
        description="Usable in `filter.attributes[].values`: `linen`."
    )
    name: str = strawberry.field(description="For display: `Linen`.")


@strawberry.type(description="An attribute of a product and its value(s) there.")
class ProductAttribute:
    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, ProductAttributeRow)

    slug: str = strawberry.field(
        description="Usable in `filter.attributes[].attribute`: `material`."
    )
    name: str = strawberry.field(description="For display: `Material`.")
    values: list[AttributeValue] = strawberry.field(
        description="Its values, in staff's order; one unless `multiple` is true."
    )

    @strawberry.field(description="True when a product may have several values.")
    def multiple(self, root: strawberry.Parent[ProductAttributeRow]) -> bool:
        return root.kind == "multiple"
