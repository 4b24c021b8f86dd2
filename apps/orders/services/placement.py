"""Order placement: validate everything, then reserve stock and record it."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import ngettext

from apps.catalog import stock
from apps.core import idempotency, metrics
from apps.core.money import MONEY_MAX, quantize_money
from apps.orders import events, locks, models
from apps.orders.errors import (
    ErrorDetail,
    OrderBusyError,
    OrderErrorCode,
    OrderValidationError,
)
from apps.orders.services import limits
from apps.orders.services.addresses import (
    ShippingAddress,
    address_normalised,
    address_problems,
)
from apps.orders.status import OrderStatus
from apps.orders.transactions import conflict_retried

OPERATION = "order_place"
# Crockford's base32 without I, L, O, U: nothing to misread over the phone.
_NUMBER_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


@dataclass(frozen=True, slots=True, kw_only=True)
class LineInput:
    """Units of one variant that the customer wants."""

    variant_id: int
    quantity: int


@dataclass(frozen=True, slots=True, kw_only=True)
class _Plan:
    """A validated order, ready to be written."""

    customer_id: int
    lines: tuple[LineInput, ...]
    variants: dict[int, stock.SaleVariant]
    address: ShippingAddress
    currency: str
    idempotency_key: str
    units_cap: int


@conflict_retried
@transaction.atomic
def order_place(
    *,
    customer_id: int,
    lines: Sequence[LineInput],
    shipping_address: ShippingAddress,
    idempotency_key: str,
    catalog: Mapping[int, stock.SaleVariant] | None = None,
    now: datetime | None = None,
) -> models.Order:
    """Place an order: reserve its stock and leave it awaiting payment.

    Everything is validated before anything is written, and every problem
    is reported at once. The order, its lines, its first status change, the
    stock reservation and the idempotency record commit in one transaction;
    after commit an OrderCreated event enqueues the "order received" email.
    Deadlocks and serialization failures are retried here, invisibly.

    Args:
        customer_id: The signed-in customer placing the order.
        lines: Variants and quantities, at most one line per variant; errors
            refer to them by 0-based index (`lines.2.quantity`).
        shipping_address: Snapshotted onto the order.
        idempotency_key: Chosen by the client, unique per customer. The same
            key with the same lines and address returns the first order
            (even after stock ran out, and even after the idempotency
            record's retention: the order keeps its key for good); with
            anything else it is IDEMPOTENCY_KEY_REUSED.
        catalog: The lines' variants as already loaded by the caller
            (the GraphQL layer loads them through dataloaders, in parallel);
            None to load them here. Only a pre-check: stock is re-checked
            under row locks.
        now: The current time (tests); the order expires
            `settings.ORDERS_PAYMENT_WINDOW` after it.

    Raises:
        OrderValidationError: TOO_MANY_LINES alone, before anything else
            is looked at; EMAIL_NOT_VERIFIED alone, for an unverified
            customer while `settings.ACCOUNT_REQUIRE_VERIFIED_EMAIL`; else
            every problem with the input, each with its code and field:
            EMPTY_ORDER, INVALID_QUANTITY,
            LINE_LIMIT_EXCEEDED, DUPLICATE_LINE, UNKNOWN_VARIANT,
            NOT_PUBLISHED, INSUFFICIENT_STOCK, MIXED_CURRENCY,
            INVALID_ADDRESS, OPEN_UNITS_LIMIT_EXCEEDED, CUSTOMER_NOT_FOUND,
            and INVALID_IDEMPOTENCY_KEY among them.
        OrderThrottledError: THROTTLED when the customer placed too many
            orders recently (`settings.ORDERS_PLACE_RATE_COUNT` per
            `ORDERS_PLACE_RATE_PERIOD`); only orders actually placed count.
        OrderBusyError: STOCK_BUSY when stock rows stayed locked past
            `settings.STOCK_LOCK_TIMEOUT`; the client may retry.
        IdempotencyError: IDEMPOTENCY_KEY_REUSED.
    """
    limits.order_line_count_check(count=len(lines))
    now = now or timezone.now()
    lines = tuple(lines)
    shipping_address = address_normalised(shipping_address)
    scope = idempotency.IdempotencyScope(
        operation=OPERATION, owner=f"user:{customer_id}", key=idempotency_key
    )
    request = {
        "lines": [[line.variant_id, line.quantity] for line in lines],
        "shipping_address": asdict(shipping_address),
    }
    key_problems = _key_problems(idempotency_key)
    if not key_problems and (
        placed := _placed(scope, request, customer_id=customer_id, now=now)
    ):
        return placed
    units_cap = limits.units_cap(customer_id)
    try:
        plan = _validate(
            customer_id=customer_id,
            units_cap=units_cap,
            lines=lines,
            catalog=catalog,
            address=shipping_address,
            idempotency_key=idempotency_key,
            now=now,
            problems=key_problems,
        )
    except OrderValidationError:
        # A racing duplicate may have committed since the lookup and taken
        # the last units: then its order is the answer, not the error. It
        # committed its record with its order, so the record is enough.
        stored = (
            None
            if key_problems
            else idempotency.idempotency_lookup(scope=scope, request=request, now=now)
        )
        if stored is not None:
            return models.Order.objects.get(pk=stored["order_id"])
        raise
    claim = idempotency.idempotency_claim(scope=scope, request=request, now=now)
    if claim.replay is not None:
        return models.Order.objects.get(pk=claim.replay["order_id"])
    # Taken only now that the request is valid, atomically (one Redis script),
    # and given back if the write fails: the bucket counts orders placed, not
    # attempts. A refusal rolls back the idempotency claim with the rest.
    limits.placement_take(customer_id)
    try:
        order = _order_create(plan, now=now)
        claim.complete({"order_id": order.pk})
    except Exception:
        limits.placement_refund(customer_id)
        raise
    return order


def _key_problems(key: str) -> list[ErrorDetail]:
    """A malformed key is one problem among the others, not a veto on them."""
    try:
        idempotency.idempotency_key_check(key)
    except idempotency.IdempotencyError as error:
        return [ErrorDetail(code=error.code, message=error.message, field=error.field)]
    return []


def _placed(
    scope: idempotency.IdempotencyScope,
    request: Mapping[str, Any],
    *,
    customer_id: int,
    now: datetime,
) -> models.Order | None:
    """Return the order this key already placed for this request, or None.

    The idempotency record answers within its retention; after that the
    order itself still holds the key (unique per customer, forever), so a
    late retry of the same request returns it too. A different request
    under either is IDEMPOTENCY_KEY_REUSED.
    """
    stored = idempotency.idempotency_lookup(scope=scope, request=request, now=now)
    if stored is not None:
        return models.Order.objects.get(pk=stored["order_id"])
    order = (
        models.Order.objects.filter(
            customer_id=customer_id,
            idempotency_key=scope.key,
        )
        .prefetch_related("lines")
        .first()
    )
    if order is None:
        return None
    placed_request = {
        "lines": [
            [line.variant_id, line.quantity]
            for line in sorted(order.lines.all(), key=lambda line: line.pk)
        ],
        "shipping_address": order.shipping_address,
    }
    if idempotency.request_fingerprint(placed_request) != (
        idempotency.request_fingerprint(request)
    ):
        raise idempotency.IdempotencyError(
            idempotency.IdempotencyErrorCode.IDEMPOTENCY_KEY_REUSED,
            "This idempotency key was already used for a different request.",
            field="idempotency_key",
        )
    return order


def _validate(
    *,
    customer_id: int,
    units_cap: int | None,
    lines: tuple[LineInput, ...],
    catalog: Mapping[int, stock.SaleVariant] | None,
    address: ShippingAddress,
    idempotency_key: str,
    now: datetime,
    problems: Sequence[ErrorDetail] = (),
) -> _Plan:
    """Check the request against the catalog without writing; report all."""
    details: list[ErrorDetail] = list(problems)
    if units_cap is None:
        details.append(
            ErrorDetail(
                code=OrderErrorCode.CUSTOMER_NOT_FOUND,
                message="No active customer has this ID.",
                field="customer_id",
            )
        )
    details.extend(address_problems(address))
    variants = (
        dict(catalog)
        if catalog is not None
        else stock.sale_variants_by_ids(line.variant_id for line in lines)
    )
    details.extend(_line_problems(lines, variants))
    currencies = {
        variants[line.variant_id].currency
        for line in lines
        if line.variant_id in variants
    }
    if len(currencies) > 1:
        details.append(
            ErrorDetail(
                code=OrderErrorCode.MIXED_CURRENCY,
                message="All items of an order must be sold in one currency.",
                field="lines",
            )
        )
    if units_cap is not None:
        details.extend(
            limits.held_units_problems(
                customer_id,
                sum(max(line.quantity, 0) for line in lines),
                cap=units_cap,
                now=now,
            )
        )
    if details:
        raise OrderValidationError(details)
    assert units_cap is not None  # a missing customer is a problem above
    return _Plan(
        customer_id=customer_id,
        lines=lines,
        variants=variants,
        address=address,
        currency=currencies.pop(),
        idempotency_key=idempotency_key,
        units_cap=units_cap,
    )


def _line_problems(
    lines: tuple[LineInput, ...], variants: dict[int, stock.SaleVariant]
) -> list[ErrorDetail]:
    if not lines:
        return [
            ErrorDetail(
                code=OrderErrorCode.EMPTY_ORDER,
                message="An order needs at least one line.",
                field="lines",
            )
        ]
    details = []
    cap = settings.ORDERS_MAX_UNITS_PER_LINE
    seen: set[int] = set()
    for index, line in enumerate(lines):
        at = f"lines.{index}"
        variant = variants.get(line.variant_id)
        if line.variant_id in seen:
            details.append(
                ErrorDetail(
                    code=OrderErrorCode.DUPLICATE_LINE,
                    message="This variant is already on another line.",
                    field=f"{at}.variant_id",
                )
            )
        seen.add(line.variant_id)
        if variant is None:
            details.append(
                ErrorDetail(
                    code=OrderErrorCode.UNKNOWN_VARIANT,
                    message="No product variant has this ID.",
                    field=f"{at}.variant_id",
                )
            )
        elif not variant.is_published:
            details.append(
                ErrorDetail(
                    code=OrderErrorCode.NOT_PUBLISHED,
                    message="This product is not for sale.",
                    field=f"{at}.variant_id",
                )
            )
        if line.quantity < 1:
            details.append(
                ErrorDetail(
                    code=OrderErrorCode.INVALID_QUANTITY,
                    message="The quantity must be at least 1.",
                    field=f"{at}.quantity",
                )
            )
        elif line.quantity > cap:
            details.append(
                ErrorDetail(
                    code=OrderErrorCode.LINE_LIMIT_EXCEEDED,
                    message=f"At most {cap} units of one item per order.",
                    field=f"{at}.quantity",
                )
            )
        elif variant is not None and variant.available < line.quantity:
            details.append(_insufficient(index, max(variant.available, 0)))
    return details


def _insufficient(index: int, available: int) -> ErrorDetail:
    return ErrorDetail(
        code=OrderErrorCode.INSUFFICIENT_STOCK,
        message=ngettext(
            "Only %(count)d unit is available.",
            "Only %(count)d units are available.",
            available,
        )
        % {"count": available},
        field=f"lines.{index}.quantity",
    )


def _order_create(plan: _Plan, *, now: datetime) -> models.Order:
    """Write the order under locks. Must run inside a transaction."""
    if not locks.customer_lock(plan.customer_id):
        raise OrderValidationError(
            [
                ErrorDetail(
                    code=OrderErrorCode.CUSTOMER_NOT_FOUND,
                    message="No active customer has this ID.",
                    field="customer_id",
                )
            ]
        )
    # Re-checked under the customer lock: two racing orders of one customer
    # would otherwise both pass the pre-check.
    adding = sum(line.quantity for line in plan.lines)
    problems = limits.held_units_problems(
        plan.customer_id, adding, cap=plan.units_cap, now=now
    )
    if problems:
        raise OrderValidationError(problems)
    try:
        stock.stock_reserve(
            lines=[
                stock.StockLine(variant_id=line.variant_id, quantity=line.quantity)
                for line in plan.lines
            ]
        )
    except stock.InsufficientStockError as exc:
        short = set(exc.variant_ids)
        raise OrderValidationError(
            [
                _insufficient(index, 0)
                for index, line in enumerate(plan.lines)
                if line.variant_id in short
            ]
        ) from exc
    except stock.StockBusyError as exc:
        raise OrderBusyError from exc

    priced = [
        (line, plan.variants[line.variant_id].price * line.quantity)
        for line in plan.lines
    ]
    subtotal = quantize_money(sum((total for _, total in priced), Decimal(0)))
    if subtotal > MONEY_MAX:
        raise OrderValidationError(
            [
                ErrorDetail(
                    code=OrderErrorCode.INVALID_QUANTITY,
                    message="The order total is too large.",
                    field="lines",
                )
            ]
        )
    order = models.Order.objects.create(
        number=_number_new(),
        customer_id=plan.customer_id,
        status=OrderStatus.PENDING_PAYMENT,
        currency=plan.currency,
        subtotal=subtotal,
        shipping_total=Decimal("0.00"),
        total=subtotal,
        shipping_address=asdict(plan.address),
        idempotency_key=plan.idempotency_key,
        expires_at=now + settings.ORDERS_PAYMENT_WINDOW,
    )
    models.OrderLine.objects.bulk_create(
        models.OrderLine(
            order=order,
            variant_id=line.variant_id,
            product_name=plan.variants[line.variant_id].product_name,
            variant_sku=plan.variants[line.variant_id].sku,
            size=plan.variants[line.variant_id].size,
            colour=plan.variants[line.variant_id].colour,
            quantity=line.quantity,
            unit_price=plan.variants[line.variant_id].price,
            line_total=quantize_money(total),
        )
        for line, total in priced
    )
    models.OrderStatusChange.objects.create(
        order=order,
        from_status="",
        to_status=OrderStatus.PENDING_PAYMENT,
        actor_id=plan.customer_id,
        reason="placed",
        created_at=now,
    )
    events.order_created_publish(
        events.OrderCreated(order_id=order.pk, customer_id=plan.customer_id)
    )
    metrics.order_placed(order.currency, order.total)
    return order


def _number_new() -> str:
    """A random readable order number: FS-XXXXX-XXXXX (50 bits)."""
    chars = "".join(secrets.choice(_NUMBER_ALPHABET) for _ in range(10))
    return f"FS-{chars[:5]}-{chars[5:]}"
