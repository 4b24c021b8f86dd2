"""Stock reservations: units held for unpaid orders, and their release.

Writes go through conditional `UPDATE ... WHERE` with `F()` on rows locked
in pk order (`apps.catalog.locks`), so a reservation never sees a stale
count; the database CHECK (reserved <= on hand) is the last line of defence.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import OperationalError, transaction
from django.db.models import Case, F, Value, When

from apps.catalog import locks, models, selectors
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
    `settings.STOCK_LOCK_TIMEOUT` for a row another transaction holds, then
    writes every line in one UPDATE. Lines of the same variant are added
    together.

    Raises:
        InsufficientStockError: INSUFFICIENT_STOCK, listing every variant
            short of units (or without a stock row).
        StockBusyError: STOCK_BUSY when a row stayed locked too long.
    """
    wanted = _totals(lines)
    with transaction.atomic():
        counts = _lock(wanted)
        short = [
            variant_id
            for variant_id, quantity in sorted(wanted.items())
            if variant_id not in counts or counts[variant_id].available < quantity
        ]
        if short:
            raise InsufficientStockError(variant_ids=short)
        _update(wanted, quantity_reserved=+1)


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
        counts = _lock(wanted)
        releasable = Counter(
            {
                variant_id: min(quantity, counts[variant_id].reserved)
                for variant_id, quantity in wanted.items()
                if variant_id in counts
            }
        )
        _update(+releasable, quantity_reserved=-1)


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
        counts = _lock(wanted)
        short = [
            variant_id
            for variant_id, quantity in sorted(wanted.items())
            if variant_id not in counts or counts[variant_id].reserved < quantity
        ]
        if short:
            raise InsufficientStockError(variant_ids=short)
        _update(wanted, quantity_reserved=-1, quantity_on_hand=-1)


def stock_restock(*, lines: Iterable[StockLine]) -> None:
    """Put sold units back on hand (a paid order was refunded).

    A variant whose stock row is gone is skipped: refunds must not fail on
    catalog edits.

    Raises:
        StockBusyError: STOCK_BUSY when a row stayed locked too long.
    """
    wanted = _totals(lines)
    with transaction.atomic():
        counts = _lock(wanted)
        _update(
            Counter({pk: n for pk, n in wanted.items() if pk in counts}),
            quantity_on_hand=+1,
        )


def _totals(lines: Iterable[StockLine]) -> Counter[int]:
    totals: Counter[int] = Counter()
    for line in lines:
        totals[line.variant_id] += line.quantity
    return totals


@dataclass(frozen=True, slots=True)
class _Counts:
    on_hand: int
    reserved: int

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


def _lock(wanted: Counter[int]) -> dict[int, _Counts]:
    """Lock the rows of `wanted` in pk order; return their current counts.

    The counts stay true until the transaction ends: nobody else may write
    the rows meanwhile, so deciding in Python on them is safe.

    Raises:
        StockBusyError: a row stayed locked past the lock timeout.
    """
    locks.lock_timeout_set(settings.STOCK_LOCK_TIMEOUT)
    try:
        rows = locks.stocks_for_update(wanted).values_list(
            "variant_id", "quantity_on_hand", "quantity_reserved"
        )
        return {pk: _Counts(on_hand, reserved) for pk, on_hand, reserved in rows}
    except OperationalError as exc:
        if getattr(exc.__cause__, "sqlstate", None) == LOCK_NOT_AVAILABLE:
            raise StockBusyError from exc
        raise


def _update(quantities: Counter[int], **signs: int) -> None:
    """Add (sign +1) or subtract (-1) each row's quantity in the named columns.

    One UPDATE for every row, whatever the number of lines.

    The CHECK constraints (0 <= reserved <= on hand) still guard the result.
    """
    if not quantities:
        return
    delta = Case(
        *(
            When(variant_id=variant_id, then=Value(quantity))
            for variant_id, quantity in quantities.items()
        ),
        default=Value(0),
    )
    models.Stock.objects.filter(variant_id__in=list(quantities)).update(
        **{
            column: F(column) + delta if sign > 0 else F(column) - delta
            for column, sign in signs.items()
        }
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class SaleVariant:
    """What an order needs to know about a variant at the moment of purchase."""

    id: int
    product_id: int
    category_id: int | None
    product_name: str
    sku: str
    size: str
    colour: str
    is_published: bool
    price: Decimal
    currency: str
    available: int
    weight_grams: int = 0


def sale_variants_by_ids(ids: Iterable[int]) -> dict[int, SaleVariant]:
    """Return variants by id, published or not, with price and available units.

    For the order pre-check (no locks): availability may change before the
    reservation, which re-checks under the row locks. Unknown ids are absent;
    a variant without a stock row has 0 available. The same three reads the
    GraphQL layer makes through its dataloaders, one query each.
    """
    wanted = set(ids)
    variants = sale_variant_parts_by_ids(wanted)
    products = sale_product_parts_by_ids(v.product_id for v in variants.values())
    available = {
        pk: row.available
        for pk, row in selectors.stock_by_variant_ids(list(variants)).items()
    }
    return sale_variants_assemble(variants.values(), products, available)


@dataclass(frozen=True, slots=True, kw_only=True)
class SaleVariantPart:
    """A variant's own columns, published or not: one part of a SaleVariant."""

    id: int
    product_id: int
    sku: str
    size: str
    colour: str
    price_override: Decimal | None
    weight_grams: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SaleProductPart:
    """A product's selling columns, published or not: one part of a SaleVariant."""

    id: int
    name: str
    is_published: bool
    base_price: Decimal
    currency: str
    category_id: int | None = None


def sale_variant_parts_by_ids(ids: Iterable[int]) -> dict[int, SaleVariantPart]:
    """Return variants' own columns by id, one query; unknown ids are absent."""
    rows = models.ProductVariant.objects.filter(id__in=set(ids)).values(
        "id", "product_id", "sku", "size", "colour", "price_override", "weight_grams"
    )
    return {row["id"]: SaleVariantPart(**row) for row in rows}


def sale_product_parts_by_ids(ids: Iterable[int]) -> dict[int, SaleProductPart]:
    """Return products' selling columns by id, one query, published or not."""
    rows = models.Product.objects.filter(id__in=set(ids)).values(
        "id", "name", "is_published", "base_price", "currency", "category_id"
    )
    return {row["id"]: SaleProductPart(**row) for row in rows}


def sale_variants_assemble(
    variants: Iterable[SaleVariantPart],
    products: Mapping[int, SaleProductPart],
    available: Mapping[int, int],
) -> dict[int, SaleVariant]:
    """Join separately loaded parts into what `sale_variants_by_ids` returns.

    `available` maps variant id to on hand minus reserved; a missing id has 0.
    """
    return {
        variant.id: SaleVariant(
            id=variant.id,
            product_id=product.id,
            category_id=product.category_id,
            product_name=product.name,
            sku=variant.sku,
            size=variant.size,
            colour=variant.colour,
            is_published=product.is_published,
            price=(
                variant.price_override
                if variant.price_override is not None
                else product.base_price
            ),
            currency=product.currency,
            available=available.get(variant.id, 0),
            weight_grams=variant.weight_grams or 0,
        )
        for variant in variants
        if (product := products.get(variant.product_id)) is not None
    }


asale_variant_parts_by_ids = sync_to_async(sale_variant_parts_by_ids)
asale_product_parts_by_ids = sync_to_async(sale_product_parts_by_ids)
