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


class ProductSort(StrEnum):
    NAME_ASC = "NAME_ASC"
    NAME_DESC = "NAME_DESC"
    PRICE_ASC = "PRICE_ASC"
    PRICE_DESC = "PRICE_DESC"
    NEWEST = "NEWEST"
    OLDEST = "OLDEST"


ORDERINGS: dict[ProductSort, Ordering] = {
    ProductSort.NAME_ASC: Ordering(field="name"),
    ProductSort.NAME_DESC: Ordering(field="name", descending=True),
    ProductSort.PRICE_ASC: Ordering(field="base_price"),
    ProductSort.PRICE_DESC: Ordering(field="base_price", descending=True),
    ProductSort.NEWEST: Ordering(field="created_at", descending=True),
    ProductSort.OLDEST: Ordering(field="created_at"),
}


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
