from enum import StrEnum

from apps.core.errors import DomainError


class CatalogErrorCode(StrEnum):
    INVALID_PRICE_RANGE = "INVALID_PRICE_RANGE"
    INVALID_FILTER = "INVALID_FILTER"
    CATEGORY_NOT_FOUND = "CATEGORY_NOT_FOUND"


class CatalogFilterError(DomainError):
    """A product filter that cannot be satisfied as given."""
