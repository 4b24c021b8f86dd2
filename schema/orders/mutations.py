"""Order mutations: convert, call one service, map its DomainError."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Annotated

import strawberry
from asgiref.sync import sync_to_async
from django.conf import settings
from strawberry import relay

from apps.catalog import stock
from apps.core.errors import DomainError
from apps.orders import services
from apps.orders.errors import OrderThrottledError, OrderValidationError
from schema.context import Info
from schema.core.ids import decode_global_id
from schema.core.permissions import IsAuthenticated, IsStaff
from schema.core.throttling import retry_after
from schema.core.user_errors import user_error_from
from schema.orders.inputs import OrderCreateInput
from schema.orders.types import (
    Order,
    OrderError,
    OrderErrorCodeEnum,
    order_row,
    prefetch_order_relations,
)

_ERRORS = "Empty when the mutation succeeded."
# Service argument names that are not (camelCased) input names.
_RENAMED = {"order_id": "id", "customer_id": None}


def _minutes(period: timedelta) -> int:
    return int(period.total_seconds() // 60)


def order_errors(error: DomainError) -> list[OrderError]:
    """Return every problem in `error` as an OrderError, in input order."""
    details = (
        error.details
        if isinstance(error, OrderValidationError)
        else [error]  # a single DomainError has the same three attributes
    )
    return [
        user_error_from(
            detail, error_type=OrderError, codes=OrderErrorCodeEnum, renamed=_RENAMED
        )
        for detail in details
    ]


async def sale_catalog(
    info: Info, variant_ids: list[int]
) -> dict[int, stock.SaleVariant]:
    """Load what placing an order checks, one query per kind at any size.

    Variants and stock side by side, then the variants' products.
    """
    loaders = info.context.loaders
    variants, stocks = await asyncio.gather(
        loaders.sale_variant_part_by_id.load_many(variant_ids),
        loaders.stock_by_variant_id.load_many(variant_ids),
    )
    found = [variant for variant in variants if variant is not None]
    products = await loaders.sale_product_part_by_id.load_many(
        sorted({variant.product_id for variant in found})
    )
    return stock.sale_variants_assemble(
        found,
        {product.id: product for product in products if product is not None},
        {row.variant_id: row.available for row in stocks},
    )


@strawberry.type(description="The result of orderCreate.")
class OrderCreatePayload:
    order: Order | None = strawberry.field(
        default=None, description="The order placed; null when errors is not empty."
    )
    errors: list[OrderError] = strawberry.field(
        default_factory=list, description=_ERRORS
    )


@strawberry.type(description="The result of orderCancel.")
class OrderCancelPayload:
    order: Order | None = strawberry.field(
        default=None,
        description="The order, now CANCELLED; null when errors is not empty.",
    )
    errors: list[OrderError] = strawberry.field(
        default_factory=list, description=_ERRORS
    )


@strawberry.type(description="The result of orderFulfil.")
class OrderFulfilPayload:
    order: Order | None = strawberry.field(
        default=None,
        description="The order, now FULFILLED; null when errors is not empty.",
    )
    errors: list[OrderError] = strawberry.field(
        default_factory=list, description=_ERRORS
    )


@strawberry.type
class OrderMutation:
    @strawberry.mutation(
        description=(
            "Place an order for the signed-in customer: reserve its stock and leave "
            "it PENDING_PAYMENT until paid or expiresAt (30 minutes). Every problem "
            "is reported at once in errors, with field paths such as "
            "`lines.2.quantity`. Replays the first order for a repeated "
            "idempotencyKey with the same input. More than "
            f"{settings.ORDERS_MAX_LINES} lines is one TOO_MANY_LINES error; an "
            "account with an unverified email gets EMAIL_NOT_VERIFIED unless the "
            "shop allows it; more than "
            f"{settings.ORDERS_PLACE_RATE_COUNT} orders per "
            f"{_minutes(settings.ORDERS_PLACE_RATE_PERIOD)} minutes is THROTTLED "
            "with a Retry-After header."
        ),
        permission_classes=[IsAuthenticated],
    )
    async def order_create(
        self,
        info: Info,
        input: Annotated[
            OrderCreateInput, strawberry.argument(description="The new order.")
        ],
    ) -> OrderCreatePayload | None:
        try:  # before decoding any line: one error, not one per line
            services.order_line_count_check(count=len(input.lines))
        except DomainError as error:
            return OrderCreatePayload(errors=order_errors(error))
        lines = [
            services.LineInput(
                variant_id=decode_global_id(
                    line.variant_id,
                    expected="ProductVariant",
                    field=f"lines.{n}.variantId",
                ),
                quantity=line.quantity,
            )
            for n, line in enumerate(input.lines)
        ]
        address = services.ShippingAddress(**vars(input.shipping_address))
        user = await info.context.auser()
        assert user.pk is not None  # IsAuthenticated let only users through
        catalog = await sale_catalog(info, [line.variant_id for line in lines])
        try:
            order = await sync_to_async(services.order_place)(
                customer_id=user.pk,
                lines=lines,
                shipping_address=address,
                idempotency_key=input.idempotency_key,
                catalog=catalog,
            )
        except DomainError as error:
            if isinstance(error, OrderThrottledError):
                retry_after(info, error.retry_after_seconds)
            return OrderCreatePayload(errors=order_errors(error))
        row = order_row(order)
        await prefetch_order_relations(info, [row], "order")
        return OrderCreatePayload(order=row)  # type: ignore[arg-type]

    @strawberry.mutation(
        description=(
            "Cancel an unpaid order and put its units back on sale: the customer "
            "their own, staff any. Another customer's order is ORDER_NOT_FOUND. "
            "With an idempotencyKey, a retry returns the cancelled order instead "
            "of ILLEGAL_TRANSITION."
        ),
        permission_classes=[IsAuthenticated],
    )
    async def order_cancel(
        self,
        info: Info,
        id: Annotated[
            relay.GlobalID, strawberry.argument(description="The order to cancel.")
        ],
        idempotency_key: Annotated[
            str | None,
            strawberry.argument(
                description="Optional, 1 to 255 characters; makes retries safe."
            ),
        ] = None,
    ) -> OrderCancelPayload | None:
        order_id = decode_global_id(id, expected="Order", field="id")
        user = await info.context.auser()
        assert user.pk is not None  # IsAuthenticated let only users through
        try:
            order = await sync_to_async(services.order_cancel)(
                order_id=order_id, actor_id=user.pk, idempotency_key=idempotency_key
            )
        except DomainError as error:
            return OrderCancelPayload(errors=order_errors(error))
        row = order_row(order)
        await prefetch_order_relations(info, [row], "order")
        return OrderCancelPayload(order=row)  # type: ignore[arg-type]

    @strawberry.mutation(
        description=(
            "Record that a PAID order was handed to a carrier (staff only): it "
            "becomes FULFILLED, its fulfilment is set and the customer is "
            "emailed once, with a tracking link for carriers that have one. "
            "Repeating it with the same shipment returns the order unchanged."
        ),
        permission_classes=[IsStaff],
    )
    async def order_fulfil(
        self,
        info: Info,
        id: Annotated[
            relay.GlobalID, strawberry.argument(description="The order shipped.")
        ],
        tracking_number: Annotated[
            str,
            strawberry.argument(
                description=(
                    "The carrier's tracking number: 4 to 40 letters, digits or "
                    "hyphens; spaces are dropped and letters capitalised."
                )
            ),
        ],
        carrier: Annotated[
            str,
            strawberry.argument(
                description=(
                    "The carrier's name, 2 to 50 characters, e.g. `Royal Mail`. "
                    "DHL, FedEx, Royal Mail, UPS and USPS get a tracking link."
                )
            ),
        ],
    ) -> OrderFulfilPayload | None:
        order_id = decode_global_id(id, expected="Order", field="id")
        user = await info.context.auser()
        try:
            order = await sync_to_async(services.order_fulfil)(
                order_id=order_id,
                tracking_number=tracking_number,
                carrier=carrier,
                actor_id=user.pk,
            )
        except DomainError as error:
            return OrderFulfilPayload(errors=order_errors(error))
        row = order_row(order)
        await prefetch_order_relations(info, [row], "order")
        return OrderFulfilPayload(order=row)  # type: ignore[arg-type]
