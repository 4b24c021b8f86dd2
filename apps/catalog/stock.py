"""Stock reservations: units held for unpaid orders, and their release.

Writes go through conditional `UPDATE ... WHERE` with `F()` on rows locked
in pk order (`apps.catalog.locks`), so a reservation never sees a stale
count; the database CHECK (reserved <= on hand) is the last line of defence.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.conf import settings
from django.db import OperationalError, transaction
from django.db.models import F

from apps.catalog import locks, models
from apps.core.errors import DomainError

# PostgreSQL SQLSTATE for "lock_timeout expired".
LOCK_NOT_AVAILABLE = "55P03"


class StockErrorCode(StrEnum):
    INSUFFICIENT_STOCK = "INSUFFICIENT_STOCK"
    STOCK_BUSY = "STOCK_BUSY"


class InsufficientStockError(DomainError):
    """Fewer units are available than asked for, for some variants."""

    def __init__(self, *, variant_ids: Sequence[int]) -> None:
        super().__init__(
            StockErrorCode.INSUFFICIENT_STOCK,
            "Not enough units are available.",
        )
        self.variant_ids = tuple(variant_ids)


class StockBusyError(DomainError):
    """A stock row stayed locked by another transaction: retry shortly."""

    def __init__(self) -> None:
        super().__init__(
            StockErrorCode.STOCK_BUSY,
            "This item is being updated by another order; please retry.",
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class StockLine:
    """A number of units of one variant."""

    variant_id: int
    quantity: int


def stock_reserve(*, lines: Iterable[StockLine]) -> None:
    """Reserve units for an unpaid order: all lines or none.

    Locks the stock rows in pk order, waiting at most
    `settings.STOCK_LOCK_TIMEOUT` for a row another transaction holds.
    Lines of the same variant are added together.

    Raises:
        InsufficientStockError: INSUFFICIENT_STOCK, listing every variant
            short of units (or without a stock row).
        StockBusyError: STOCK_BUSY when a row stayed locked too long.
    """
    wanted = _totals(lines)
    with transaction.atomic():
        locked = _lock(wanted)
        short = sorted(set(wanted) - locked)
        for variant_id, quantity in sorted(wanted.items()):
            if variant_id in short:
                continue
            updated = models.Stock.objects.filter(
                pk=variant_id,
                quantity_on_hand__gte=F("quantity_reserved") + quantity,
            ).update(quantity_reserved=F("quantity_reserved") + quantity)
            if not updated:
                short.append(variant_id)
        if short:
            raise InsufficientStockError(variant_ids=sorted(short))


def stock_release(*, lines: Iterable[StockLine]) -> None:
    """Return reserved units to sale (an unpaid order cancelled or expired).

    Never releases more than is reserved: a variant whose stock row is gone
    (deleted from the catalog) or holds fewer reserved units is clamped,
    because cancelling an order must not fail on catalog edits.

    Raises:
        StockBusyError: STOCK_BUSY when a row stayed locked too long.
    """
    wanted = _totals(lines)
    with transaction.atomic():
        _lock(wanted)
        for variant_id, quantity in sorted(wanted.items()):
            updated = models.Stock.objects.filter(
                pk=variant_id, quantity_reserved__gte=quantity
            ).update(quantity_reserved=F("quantity_reserved") - quantity)
            if not updated:
                models.Stock.objects.filter(pk=variant_id).update(quantity_reserved=0)


def stock_commit(*, lines: Iterable[StockLine]) -> None:
    """Turn reserved units into sold ones (an order was paid).

    Both counts drop by the quantity: the units leave the warehouse.

    Raises:
        InsufficientStockError: INSUFFICIENT_STOCK when fewer units are
            reserved than the lines say (a bug elsewhere: nothing changes).
        StockBusyError: STOCK_BUSY when a row stayed locked too long.
    """
    wanted = _totals(lines)
    with transaction.atomic():
        _lock(wanted)
        short = []
        for variant_id, quantity in sorted(wanted.items()):
            updated = models.Stock.objects.filter(
                pk=variant_id, quantity_reserved__gte=quantity
            ).update(
                quantity_reserved=F("quantity_reserved") - quantity,
                quantity_on_hand=F("quantity_on_hand") - quantity,
            )
            if not updated:
                short.append(variant_id)
        if short:
            raise InsufficientStockError(variant_ids=short)


def _totals(lines: Iterable[StockLine]) -> Counter[int]:
    totals: Counter[int] = Counter()
    for line in lines:
        totals[line.variant_id] += line.quantity
    return totals


def _lock(wanted: Counter[int]) -> set[int]:
    """Lock the rows of `wanted` in pk order; return the ids that exist.

    Raises:
        StockBusyError: a row stayed locked past the lock timeout.
    """
    locks.lock_timeout_set(settings.STOCK_LOCK_TIMEOUT)
    try:
        return set(locks.stocks_for_update(wanted).values_list("variant_id", flat=True))
    except OperationalError as exc:
        if getattr(exc.__cause__, "sqlstate", None) == LOCK_NOT_AVAILABLE:
            raise StockBusyError from exc
        raise


@dataclass(frozen=True, slots=True, kw_only=True)
class SaleVariant:
    """What an order needs to know about a variant at the moment of purchase."""

    id: int
    product_name: str
    sku: str
    size: str
    colour: str
    is_published: bool
    price: Decimal
    currency: str
    available: int


def sale_variants_by_ids(ids: Iterable[int]) -> dict[int, SaleVariant]:
    """Return variants by id, published or not, with price and available units.

    For the order pre-check (no locks): availability may change before the
    reservation, which re-checks under the row locks. Unknown ids are absent;
    a variant without a stock row has 0 available.
    """
    rows = models.ProductVariant.objects.filter(id__in=set(ids)).values_list(
        "id",
        "product__name",
        "sku",
        "size",
        "colour",
        "product__is_published",
        "price_override",
        "product__base_price",
        "product__currency",
        "stock__quantity_on_hand",
        "stock__quantity_reserved",
    )
    return {
        pk: SaleVariant(
            id=pk,
            product_name=name,
            sku=sku,
            size=size,
            colour=colour,
            is_published=published,
            price=override if override is not None else base,
            currency=currency,
            available=(on_hand or 0) - (reserved or 0),
        )
        for (
            pk,
            name,
            sku,
            size,
            colour,
            published,
            override,
            base,
            currency,
            on_hand,
            reserved,
        ) in rows
    }
