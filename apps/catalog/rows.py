"""Plain read models handed to the interfaces: cheap to build, safe to share.

Selectors return these rather than model instances: the GraphQL layer only
reads attributes, and building a slotted dataclass from a `.values()` row
costs a fraction of a model instance.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class CategoryRow:
    id: int
    name: str
    slug: str
    parent_id: int | None


@dataclass(frozen=True, slots=True, kw_only=True)
class ProductRow:
    id: int
    name: str
    slug: str
    description: str
    brand: str
    category_id: int
    base_price: Decimal
    currency: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class StockRow:
    variant_id: int
    quantity_on_hand: int
    quantity_reserved: int

    @property
    def available(self) -> int:
        return self.quantity_on_hand - self.quantity_reserved


@dataclass(frozen=True, slots=True, kw_only=True)
class VariantRow:
    id: int
    product_id: int
    sku: str
    size: str
    colour: str
    price: Decimal
    price_override: Decimal | None
    currency: str
    available: int
    stock: StockRow
    compare_at_price: Decimal | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class FacetValue:
    value: str
    count: int


@dataclass(frozen=True, slots=True, kw_only=True)
class CategoryFacet:
    category_id: int
    name: str
    label: str  # with its ancestors, for display (selectors.PATH_SEPARATOR)
    parent_id: int | None
    count: int
    path: tuple[str, ...] = ()  # ("Women", "Dresses")


@dataclass(frozen=True, slots=True, kw_only=True)
class PriceBounds:
    min: Decimal | None
    max: Decimal | None
    count: int


@dataclass(frozen=True, slots=True, kw_only=True)
class AttributeFacetValue:
    slug: str
    name: str
    count: int


@dataclass(frozen=True, slots=True, kw_only=True)
class AttributeFacet:
    """An attribute's values among matching products, with product counts."""

    slug: str
    name: str
    kind: str
    values: list[AttributeFacetValue]


@dataclass(frozen=True, slots=True, kw_only=True)
class AttributeValueRow:
    slug: str
    name: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ProductAttributeRow:
    """One attribute of a product and its values there."""

    slug: str
    name: str
    kind: str
    values: list[AttributeValueRow]


@dataclass(frozen=True, slots=True, kw_only=True)
class ProductFacets:
    sizes: list[FacetValue]
    colours: list[FacetValue]
    categories: list[CategoryFacet]
    price: PriceBounds
    attributes: list[AttributeFacet]


@dataclass(frozen=True, slots=True, kw_only=True)
class MediaRow:
    """A product image: its stored original and the renditions made so far."""

    id: int
    product_id: int
    colour: str
    alt: str
    sort_order: int
    original: str
    width: int
    height: int
    renditions: dict[str, dict[str, str]]


@dataclass(frozen=True, slots=True, kw_only=True)
class CollectionRow:
    """A collection as shoppers see it."""

    id: int
    name: str
    slug: str
    description: str
    sort_order: int
    seo_title: str
    seo_description: str
    image_original: str
    image_renditions: dict[str, dict[str, str]]
    image_alt: str
