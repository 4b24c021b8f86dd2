"""What a shopper can ask of the catalog: filter and sort values."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from apps.catalog.errors import CatalogErrorCode, CatalogFilterError
from apps.core.money import MONEY_MAX
from apps.core.pagination import Ordering

MAX_SEARCH_LENGTH = 100
MAX_OPTION_VALUES = 50
MAX_ATTRIBUTE_FILTERS = 10


class ProductSort(StrEnum):
    NAME_ASC = "NAME_ASC"
    NAME_DESC = "NAME_DESC"
    PRICE_ASC = "PRICE_ASC"
    PRICE_DESC = "PRICE_DESC"
    NEWEST = "NEWEST"
    OLDEST = "OLDEST"
    RELEVANCE = "RELEVANCE"


DEFAULT_SORT = ProductSort.NAME_ASC


ORDERINGS: dict[ProductSort, Ordering] = {
    ProductSort.NAME_ASC: Ordering(field="name"),
    ProductSort.NAME_DESC: Ordering(field="name", descending=True),
    ProductSort.PRICE_ASC: Ordering(field="base_price"),
    ProductSort.PRICE_DESC: Ordering(field="base_price", descending=True),
    ProductSort.NEWEST: Ordering(field="created_at", descending=True),
    ProductSort.OLDEST: Ordering(field="created_at"),
    # apps.catalog.search annotates the rank on searches only; see effective_sort.
    ProductSort.RELEVANCE: Ordering(
        field="search_rank", descending=True, annotated=True
    ),
}


def effective_sort(sort: ProductSort | None, search: str | None) -> ProductSort:
    """The order a listing uses: RELEVANCE by default when searching.

    Without search text there is no relevance to order by, so RELEVANCE
    (asked for, or the default) falls back to DEFAULT_SORT.
    """
    searching = bool(search and search.strip())
    if sort is None:
        return ProductSort.RELEVANCE if searching else DEFAULT_SORT
    if sort is ProductSort.RELEVANCE and not searching:
        return DEFAULT_SORT
    return sort


@dataclass(frozen=True, slots=True)
class AttributeCondition:
    """Products having any of these values (slugs) of one attribute (a slug)."""

    attribute: str
    values: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ProductFilter:
    """Conditions a listed product meets; empty fields do not filter.

    Variant conditions (sizes, colours, in_stock) must hold for one and the
    same variant: "M in red, in stock" means a red M that is in stock.
    """

    category_id: int | None = None
    collection_id: int | None = None  # set by Collection.products, not by clients
    search: str | None = None
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    sizes: tuple[str, ...] = ()
    colours: tuple[str, ...] = ()
    in_stock: bool = False
    attributes: tuple[AttributeCondition, ...] = ()

    @property
    def searching(self) -> bool:
        """True when there is search text to match and rank by."""
        return bool(self.search and self.search.strip())

    def __post_init__(self) -> None:
        if self.search is not None and len(self.search) > MAX_SEARCH_LENGTH:
            raise CatalogFilterError(
                CatalogErrorCode.INVALID_FILTER,
                f"Search text is limited to {MAX_SEARCH_LENGTH} characters.",
                field="search",
            )
        for name in ("sizes", "colours"):
            if len(getattr(self, name)) > MAX_OPTION_VALUES:
                raise CatalogFilterError(
                    CatalogErrorCode.INVALID_FILTER,
                    f"At most {MAX_OPTION_VALUES} {name} can be given.",
                    field=name,
                )
        self._attributes_check()
        for name in ("price_min", "price_max"):
            price = getattr(self, name)
            if price is not None and not (
                price.is_finite() and 0 <= price <= MONEY_MAX
            ):
                raise CatalogFilterError(
                    CatalogErrorCode.INVALID_PRICE_RANGE,
                    f"Prices must be between 0 and {MONEY_MAX}.",
                    field=name,
                )
        if (
            self.price_min is not None
            and self.price_max is not None
            and self.price_min > self.price_max
        ):
            raise CatalogFilterError(
                CatalogErrorCode.INVALID_PRICE_RANGE,
                "priceMin must not be greater than priceMax.",
                field="price_min",
            )

    def _attributes_check(self) -> None:
        if len(self.attributes) > MAX_ATTRIBUTE_FILTERS:
            raise CatalogFilterError(
                CatalogErrorCode.INVALID_FILTER,
                f"At most {MAX_ATTRIBUTE_FILTERS} attributes can be filtered on.",
                field="attributes",
            )
        seen = [condition.attribute for condition in self.attributes]
        if len(set(seen)) != len(seen):
            raise CatalogFilterError(
                CatalogErrorCode.INVALID_FILTER,
                "Each attribute can be given once; list its values together.",
                field="attributes",
            )
        if any(
            not 1 <= len(condition.values) <= MAX_OPTION_VALUES
            for condition in self.attributes
        ):
            raise CatalogFilterError(
                CatalogErrorCode.INVALID_FILTER,
                f"Each attribute takes 1 to {MAX_OPTION_VALUES} values.",
                field="attributes",
            )
