"""Checkout mutations: convert, call one service, map its DomainError.

Every `token` argument is an `ID!` (the checkout's secret token, not a
global ID). Each payload holds the checkout as read after the change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import strawberry
from asgiref.sync import sync_to_async
from django.conf import settings
from strawberry import relay

from apps.checkout import services
from apps.checkout.models import Checkout as CheckoutModel
from apps.checkout.view import checkout_view
from apps.core.errors import DomainError
from apps.orders.errors import OrderThrottledError, OrderValidationError
from apps.orders.services import LineInput, ShippingAddress
from apps.orders.services.limits import order_line_count_check
from schema.checkout.types import Checkout, CheckoutError, checkout_error
from schema.context import Info
from schema.core.ids import decode_global_id
from schema.core.input_checks import bounded_field
from schema.core.throttling import retry_after
from schema.orders.inputs import ShippingAddressInput
from schema.orders.types import Order, order_row, prefetch_order_relations

_ERRORS = "Empty when the mutation succeeded."
_TOKEN_HELP = "The checkout's token, from checkoutCreate."  # noqa: S105 (help text)


@strawberry.input(description="Units of one variant for a checkout.")
class CheckoutLineInput:
    variant_id: relay.GlobalID = strawberry.field(
        description="A ProductVariant ID; at most one line per variant."
    )
    quantity: int = strawberry.field(
        description=(
            f"Units, 1 to {settings.ORDERS_MAX_UNITS_PER_LINE}; in "
            "checkoutLinesUpdate 0 removes the line."
        )
    )


@strawberry.input(description="A new checkout.")
class CheckoutCreateInput:
    email: str | None = bounded_field(
        default=None,
        description="Where the order's emails go; a signed-in customer's by default.",
        max_length=254,
    )
    lines: list[CheckoutLineInput] = strawberry.field(
        default_factory=list,
        description=f"What to buy: up to {settings.ORDERS_MAX_LINES} lines.",
    )
    shipping_address: ShippingAddressInput | None = strawberry.field(
        default=None, description="Where it ships; may be set later."
    )


@strawberry.type(description="The result of a checkout mutation.")
class CheckoutPayload:
    checkout: Checkout | None = strawberry.field(
        default=None, description="The checkout after the change; null on errors."
    )
    errors: list[CheckoutError] = strawberry.field(
        default_factory=list, description=_ERRORS
    )


@strawberry.type(description="The result of checkoutComplete.")
class CheckoutCompletePayload:
    order: Order | None = strawberry.field(
        default=None, description="The order placed; null when errors is not empty."
    )
    errors: list[CheckoutError] = strawberry.field(
        default_factory=list, description=_ERRORS
    )


def _errors(error: DomainError) -> list[CheckoutError]:
    details = error.details if isinstance(error, OrderValidationError) else [error]
    return [checkout_error(detail) for detail in details]  # type: ignore[arg-type]


def _lines(lines: list[CheckoutLineInput]) -> list[LineInput]:
    order_line_count_check(count=len(lines))  # before decoding any ID
    return [
        LineInput(
            variant_id=decode_global_id(
                line.variant_id, expected="ProductVariant", field=f"lines.{n}.variantId"
            ),
            quantity=line.quantity,
        )
        for n, line in enumerate(lines)
    ]


async def _viewer_id(info: Info) -> int | None:
    user = await info.context.auser()
    return user.pk if user.is_authenticated else None


async def _write(
    info: Info, change: Callable[..., CheckoutModel], **arguments: Any
) -> CheckoutPayload:
    """Run one checkout service and answer with the checkout read afterwards."""
    arguments["viewer_id"] = await _viewer_id(info)

    def run() -> Any:
        return checkout_view(change(**arguments))

    try:
        view = await sync_to_async(run)()
    except DomainError as error:
        return CheckoutPayload(errors=_errors(error))
    return CheckoutPayload(checkout=Checkout.from_view(view))


async def _lines_change(
    info: Info,
    change: Callable[..., CheckoutModel],
    token: strawberry.ID,
    lines: list[CheckoutLineInput],
) -> CheckoutPayload:
    try:
        decoded = _lines(lines)
    except DomainError as error:
        return CheckoutPayload(errors=_errors(error))
    return await _write(info, change, token=str(token), lines=decoded)


def _address(value: ShippingAddressInput | None) -> ShippingAddress | None:
    return ShippingAddress(**vars(value)) if value is not None else None


Token = Annotated[strawberry.ID, strawberry.argument(description=_TOKEN_HELP)]
Lines = Annotated[
    list[CheckoutLineInput], strawberry.argument(description="The lines to change.")
]


@strawberry.type
class CheckoutMutation:
    @strawberry.mutation(
        description=(
            "Open a checkout, as a guest or signed in: keep the returned token. It "
            "reserves nothing until checkoutComplete."
        )
    )
    async def checkout_create(
        self,
        info: Info,
        input: Annotated[
            CheckoutCreateInput, strawberry.argument(description="The checkout.")
        ],
    ) -> CheckoutPayload:
        try:
            lines = _lines(input.lines)
        except DomainError as error:
            return CheckoutPayload(errors=_errors(error))
        return await _write(
            info,
            services.checkout_create,
            email=input.email,
            lines=lines,
            shipping_address=_address(input.shipping_address),
        )

    @strawberry.mutation(
        description="Add units: a variant already in the checkout gets them added."
    )
    async def checkout_lines_add(
        self, info: Info, token: Token, lines: Lines
    ) -> CheckoutPayload:
        return await _lines_change(info, services.checkout_lines_add, token, lines)

    @strawberry.mutation(
        description=(
            "Set lines' quantities; 0 removes a line. Setting a line accepts its "
            "current price (clears PRICE_CHANGED)."
        )
    )
    async def checkout_lines_update(
        self, info: Info, token: Token, lines: Lines
    ) -> CheckoutPayload:
        return await _lines_change(info, services.checkout_lines_update, token, lines)

    @strawberry.mutation(description="Set where the order's emails go.")
    async def checkout_email_update(
        self,
        info: Info,
        token: Token,
        email: Annotated[
            str, strawberry.argument(description="An email address, at most 254.")
        ],
    ) -> CheckoutPayload:
        return await _write(
            info, services.checkout_email_update, token=str(token), email=email
        )

    @strawberry.mutation(
        description=(
            "Set where it ships: an address, or addressId of one in the signed-in "
            "customer's address book. A chosen method that no longer serves it is "
            "dropped."
        )
    )
    async def checkout_shipping_address_update(
        self,
        info: Info,
        token: Token,
        shipping_address: Annotated[
            ShippingAddressInput | None,
            strawberry.argument(description="The address, as orderCreate takes it."),
        ] = None,
        address_id: Annotated[
            relay.GlobalID | None,
            strawberry.argument(description="Or a saved Address's ID."),
        ] = None,
    ) -> CheckoutPayload:
        saved = (
            decode_global_id(address_id, expected="Address", field="addressId")
            if address_id is not None
            else None
        )
        return await _write(
            info,
            services.checkout_shipping_address_update,
            token=str(token),
            address=_address(shipping_address),
            saved_address_id=saved,
        )

    @strawberry.mutation(
        description="Choose one of the checkout's availableShippingMethods."
    )
    async def checkout_shipping_method_update(
        self,
        info: Info,
        token: Token,
        shipping_method_id: Annotated[
            strawberry.ID,
            strawberry.argument(description="A ShippingMethod ID."),
        ],
    ) -> CheckoutPayload:
        method = decode_global_id(
            shipping_method_id, expected="ShippingMethod", field="shippingMethodId"
        )
        return await _write(
            info,
            services.checkout_shipping_method_update,
            token=str(token),
            shipping_method_id=method,
        )

    @strawberry.mutation(
        description=(
            "Apply a voucher by its code (a new code replaces the old). Refused "
            "with the voucher's reason if this basket cannot use it now."
        )
    )
    async def checkout_promo_code_add(
        self,
        info: Info,
        token: Token,
        promo_code: Annotated[
            str, strawberry.argument(description="The code, in any case.")
        ],
    ) -> CheckoutPayload:
        return await _write(
            info,
            services.checkout_promo_code_add,
            token=str(token),
            promo_code=promo_code,
        )

    @strawberry.mutation(description="Take the voucher off the checkout.")
    async def checkout_promo_code_remove(
        self, info: Info, token: Token
    ) -> CheckoutPayload:
        return await _write(info, services.checkout_promo_code_remove, token=str(token))

    @strawberry.mutation(
        description=(
            "Place the checkout's order through the same placement as orderCreate: "
            "its stock is reserved, its voucher use counted, and it is deleted. "
            "If stock, a price or the voucher changed since it was read, errors "
            "say so and nothing is written. Repeating it with the same "
            "idempotencyKey returns the same order."
        )
    )
    async def checkout_complete(
        self,
        info: Info,
        token: Token,
        idempotency_key: Annotated[
            str,
            strawberry.argument(
                description="Chosen by the client (e.g. a UUID), 1 to 255 characters."
            ),
        ],
    ) -> CheckoutCompletePayload:
        viewer_id = await _viewer_id(info)
        try:
            order = await sync_to_async(services.checkout_complete)(
                token=str(token), viewer_id=viewer_id, idempotency_key=idempotency_key
            )
        except DomainError as error:
            if isinstance(error, OrderThrottledError):
                retry_after(info, error.retry_after_seconds)
            return CheckoutCompletePayload(errors=_errors(error))
        row = order_row(order)
        await prefetch_order_relations(info, [row], "order")
        return CheckoutCompletePayload(order=row)  # type: ignore[arg-type]
