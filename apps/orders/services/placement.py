"""Order placement: validate everything, then reserve stock and record it."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping, Sequence
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
from apps.core.money import MONEY_MAX
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
from apps.pricing.basket import BasketLine, BasketPrice, basket_price
from apps.pricing.errors import VoucherError
from apps.pricing.totals import cents
from apps.pricing.vouchers import voucher_use

OPERATION = "order_place"
# Crockford's base32 without I, L, O, U: nothing to misread over the phone.
_NUMBER_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


@dataclass(frozen=True, slots=True, kw_only=True)
class LineInput:
    """Units of one variant that the customer wants."""

    variant_id: int
    quantity: int


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckoutTerms:
    """What a checkout adds to its order: the buyer's email, shipping, voucher.

    `prices_seen` maps each variant to the unit price the buyer agreed to;
    `on_placed` runs inside the order's transaction (the checkout removes
    itself there, so an order and its checkout never both exist).
    """

    token: str
    email: str
    shipping_method_id: int | None
    voucher_code: str
    prices_seen: Mapping[int, Decimal]
    on_placed: Callable[[models.Order], None] | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class _Plan:
    """A validated order, ready to be written."""

    customer_id: int | None
    email: str
    lines: tuple[LineInput, ...]
    variants: dict[int, stock.SaleVariant]
    address: ShippingAddress
    currency: str
    idempotency_key: str
    units_cap: int
    price: BasketPrice
    checkout: CheckoutTerms | None


@conflict_retried
@transaction.atomic
def order_place(
    *,
    customer_id: int | None,
    lines: Sequence[LineInput],
    shipping_address: ShippingAddress,
    idempotency_key: str,
    catalog: Mapping[int, stock.SaleVariant] | None = None,
    now: datetime | None = None,
    checkout: CheckoutTerms | None = None,
) -> models.Order:
    """Place an order: reserve its stock and leave it awaiting payment.

    Everything is validated before anything is written, and every problem
    is reported at once. The order, its lines, its first status change, the
    stock reservation and the idempotency record commit in one transaction;
    after commit an OrderCreated event enqueues the "order received" email.
    Deadlocks and serialization failures are retried here, invisibly.

    Args:
        customer_id: The signed-in customer placing the order; None for a
            guest, who must come through a checkout.
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
        checkout: A checkout's shipping method, voucher and agreed prices
            (apps.checkout); None for orderCreate, which charges no
            shipping. Its token scopes the idempotency key, and a checkout
            places one order at most.

    Raises:
        OrderValidationError: TOO_MANY_LINES alone, before anything else
            is looked at; EMAIL_NOT_VERIFIED alone, for an unverified
            customer while `settings.ACCOUNT_REQUIRE_VERIFIED_EMAIL`; else
            every problem with the input, each with its code and field:
            EMPTY_ORDER, INVALID_QUANTITY,
            LINE_LIMIT_EXCEEDED, DUPLICATE_LINE, UNKNOWN_VARIANT,
            NOT_PUBLISHED, INSUFFICIENT_STOCK, MIXED_CURRENCY,
            INVALID_ADDRESS, OPEN_UNITS_LIMIT_EXCEEDED, CUSTOMER_NOT_FOUND,
            and INVALID_IDEMPOTENCY_KEY among them; from a checkout also
            PRICE_CHANGED, SHIPPING_METHOD_REQUIRED,
            SHIPPING_METHOD_NOT_AVAILABLE and the voucher's codes
            (VOUCHER_USED_UP when the last use went to another buyer).
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
    owner = f"checkout:{checkout.token}" if checkout else f"user:{customer_id}"
    scope = idempotency.IdempotencyScope(
        operation=OPERATION, owner=owner, key=idempotency_key
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
    allowance = (
        limits.customer_allowance(customer_id)
        if customer_id is not None
        else limits.Allowance(limits.guest_units_cap(), "")
    )
    units_cap = allowance.units_cap if allowance is not None else None
    email = checkout.email if checkout else allowance.email if allowance else ""
    try:
        plan = _validate(
            customer_id=customer_id,
            email=email,
            units_cap=units_cap,
            lines=lines,
            catalog=catalog,
            address=shipping_address,
            idempotency_key=idempotency_key,
            now=now,
            problems=key_problems,
            checkout=checkout,
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
    pace = limits.buyer_key(customer_id, email)
    limits.placement_take(pace)
    try:
        order = _order_create(plan, now=now)
        claim.complete({"order_id": order.pk})
    except Exception:
        limits.placement_refund(pace)
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
    customer_id: int | None,
    now: datetime,
) -> models.Order | None:
    """Return the order this key already placed for this request, or None.

    The idempotency record answers within its retention; after that the
    order itself still holds the key (unique per customer, forever; a
    checkout's order is found by the checkout's token), so a late retry of
    the same request returns it too. A different request or key is
    IDEMPOTENCY_KEY_REUSED.
    """
    stored = idempotency.idempotency_lookup(scope=scope, request=request, now=now)
    if stored is not None:
        return models.Order.objects.get(pk=stored["order_id"])
    found = (
        models.Order.objects.filter(
            checkout_token=scope.owner.removeprefix("checkout:")
        )
        if scope.owner.startswith("checkout:")
        else models.Order.objects.filter(
            customer_id=customer_id, idempotency_key=scope.key
        )
    )
    order = found.prefetch_related("lines").first()
    if order is None:
        return None
    placed_request = {
        "lines": [
            [line.variant_id, line.quantity]
            for line in sorted(order.lines.all(), key=lambda line: line.pk)
        ],
        "shipping_address": order.shipping_address,
    }
    if order.idempotency_key != scope.key or idempotency.request_fingerprint(
        placed_request
    ) != idempotency.request_fingerprint(request):
        raise idempotency.IdempotencyError(
            idempotency.IdempotencyErrorCode.IDEMPOTENCY_KEY_REUSED,
            "This idempotency key was already used for a different request.",
            field="idempotency_key",
        )
    return order


def _validate(
    *,
    customer_id: int | None,
    email: str,
    units_cap: int | None,
    lines: tuple[LineInput, ...],
    catalog: Mapping[int, stock.SaleVariant] | None,
    address: ShippingAddress,
    idempotency_key: str,
    now: datetime,
    problems: Sequence[ErrorDetail] = (),
    checkout: CheckoutTerms | None = None,
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
    details.extend(line_problems(lines, variants))
    if checkout is not None:
        details.extend(_price_problems(lines, variants, checkout.prices_seen))
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
                email=email,
            )
        )
    if details:
        raise OrderValidationError(details)
    assert units_cap is not None  # a missing customer is a problem above
    currency = currencies.pop()
    price = _priced(lines, variants, currency, address, checkout, now)
    return _Plan(
        customer_id=customer_id,
        email=email,
        lines=lines,
        variants=variants,
        address=address,
        currency=currency,
        idempotency_key=idempotency_key,
        units_cap=units_cap,
        price=price,
        checkout=checkout,
    )


def _priced(
    lines: tuple[LineInput, ...],
    variants: dict[int, stock.SaleVariant],
    currency: str,
    address: ShippingAddress,
    checkout: CheckoutTerms | None,
    now: datetime,
) -> BasketPrice:
    """The order's money; a checkout's shipping and voucher must apply as chosen."""
    price = basket_price(
        lines=basket_lines(lines, variants),
        currency=currency,
        country=address.country,
        now=now,
        shipping_method_id=checkout.shipping_method_id if checkout else None,
        voucher_code=checkout.voucher_code if checkout else "",
        with_offers=checkout is not None,
    )
    if checkout is None:
        return price
    details = []
    if checkout.shipping_method_id is None:
        details.append(
            ErrorDetail(
                code=OrderErrorCode.SHIPPING_METHOD_REQUIRED,
                message="Choose a shipping method.",
                field="shipping_method_id",
            )
        )
    elif price.shipping is None:
        details.append(
            ErrorDetail(
                code=OrderErrorCode.SHIPPING_METHOD_NOT_AVAILABLE,
                message="This shipping method does not serve this address "
                "or basket; choose another.",
                field="shipping_method_id",
            )
        )
    if price.voucher_error is not None:
        details.append(_voucher_detail(price.voucher_error))
    if details:
        raise OrderValidationError(details)
    return price


def basket_lines(
    lines: Sequence[LineInput], variants: Mapping[int, stock.SaleVariant]
) -> list[BasketLine]:
    """The lines as pricing sees them (every variant must be in `variants`)."""
    return [
        BasketLine(
            variant_id=line.variant_id,
            product_id=variants[line.variant_id].product_id,
            category_id=variants[line.variant_id].category_id,
            unit_price=variants[line.variant_id].price,
            quantity=line.quantity,
            weight_grams=variants[line.variant_id].weight_grams,
        )
        for line in lines
    ]


def _voucher_detail(error: VoucherError) -> ErrorDetail:
    return ErrorDetail(code=error.code, message=error.message, field="promo_code")


def _price_problems(
    lines: tuple[LineInput, ...],
    variants: Mapping[int, stock.SaleVariant],
    seen: Mapping[int, Decimal],
) -> list[ErrorDetail]:
    """PRICE_CHANGED for each line whose price is not the one the buyer saw."""
    return [
        ErrorDetail(
            code=OrderErrorCode.PRICE_CHANGED,
            message=f"The price is now {variant.price} {variant.currency}.",
            field=f"lines.{index}.variant_id",
        )
        for index, line in enumerate(lines)
        if (variant := variants.get(line.variant_id)) is not None
        and seen.get(line.variant_id) != variant.price
    ]


def line_problems(
    lines: Sequence[LineInput],
    variants: Mapping[int, stock.SaleVariant],
    *,
    in_checkout: bool = False,
) -> list[ErrorDetail]:
    """Every problem with the lines against the catalog, in input order.

    `in_checkout`: a checkout may be empty, and quantity 0 removes a line
    (nothing else is checked for it).
    """
    if not lines and not in_checkout:
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
        elif line.quantity == 0 and in_checkout:
            continue
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
                    message="The quantity must be at least 1"
                    + (" (0 removes the line)." if in_checkout else "."),
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
    """Write the order under locks. Must run inside a transaction.

    Lock order: the buyer, the voucher, then stock rows (in pk order), the
    same for every placement, so placements cannot deadlock each other.
    """
    _buyer_lock(plan)
    # Re-checked under the buyer's lock: two racing orders of one buyer
    # would otherwise both pass the pre-check.
    adding = sum(line.quantity for line in plan.lines)
    problems = limits.held_units_problems(
        plan.customer_id, adding, cap=plan.units_cap, now=now, email=plan.email
    )
    if problems:
        raise OrderValidationError(problems)
    totals = plan.price.totals
    if totals.total > MONEY_MAX:
        raise OrderValidationError(
            [
                ErrorDetail(
                    code=OrderErrorCode.INVALID_QUANTITY,
                    message="The order total is too large.",
                    field="lines",
                )
            ]
        )
    voucher = plan.price.voucher
    if voucher is not None:
        try:  # counted under the voucher's row lock, given back on rollback
            voucher_use(
                code=voucher.code,
                email=plan.email,
                customer_id=plan.customer_id,
                currency=plan.currency,
                subtotal=sum((line.subtotal for line in totals.lines), Decimal(0)),
                now=now,
            )
        except VoucherError as error:
            raise OrderValidationError([_voucher_detail(error)]) from error
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

    shipping = plan.price.shipping
    order = models.Order.objects.create(
        number=_number_new(),
        customer_id=plan.customer_id,
        email=plan.email,
        checkout_token=plan.checkout.token if plan.checkout else None,
        status=OrderStatus.PENDING_PAYMENT,
        currency=plan.currency,
        subtotal=totals.subtotal,
        discount_total=totals.discount_total,
        shipping_total=totals.shipping_total,
        tax_total=totals.tax_total,
        total=totals.total,
        voucher_code=voucher.code if voucher is not None else "",
        shipping_method_name=shipping.name if shipping is not None else "",
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
            line_total=cents(plan.variants[line.variant_id].price * line.quantity),
            discount=priced.discount,
            tax_rate=priced.tax_rate,
            tax=priced.tax,
        )
        for line, priced in zip(plan.lines, totals.lines, strict=True)
    )
    models.OrderStatusChange.objects.create(
        order=order,
        from_status="",
        to_status=OrderStatus.PENDING_PAYMENT,
        actor_id=plan.customer_id,
        reason="placed",
        created_at=now,
    )
    if plan.checkout is not None and plan.checkout.on_placed is not None:
        plan.checkout.on_placed(order)
    events.order_created_publish(
        events.OrderCreated(order_id=order.pk, customer_id=plan.customer_id)
    )
    metrics.order_placed(order.currency, order.total)
    return order


def _buyer_lock(plan: _Plan) -> None:
    """One placement per buyer at a time: the customer's row, or a guest's email."""
    if plan.customer_id is None:
        locks.email_lock(plan.email)
    elif not locks.customer_lock(plan.customer_id):
        raise OrderValidationError(
            [
                ErrorDetail(
                    code=OrderErrorCode.CUSTOMER_NOT_FOUND,
                    message="No active customer has this ID.",
                    field="customer_id",
                )
            ]
        )


def _number_new() -> str:
    """A random readable order number: FS-XXXXX-XXXXX (50 bits)."""
    chars = "".join(secrets.choice(_NUMBER_ALPHABET) for _ in range(10))
    return f"FS-{chars[:5]}-{chars[5:]}"
