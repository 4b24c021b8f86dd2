"""Checkout GraphQL types: a read of apps.checkout.view, priced when it is read."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import Enum

import strawberry
from strawberry import relay

from apps.catalog.stock import StockErrorCode
from apps.checkout.errors import CheckoutErrorCode
from apps.checkout.view import CheckoutLineView, CheckoutView
from apps.core.idempotency import IdempotencyErrorCode
from apps.orders.errors import ErrorDetail, OrderErrorCode
from apps.pricing.errors import VoucherErrorCode
from apps.pricing.rules import ShippingOffer
from schema.catalog.types import ProductVariant
from schema.context import Info
from schema.core.error_codes import error_code_enum
from schema.core.money import Money
from schema.core.user_errors import UserError, user_error_from
from schema.orders.types import ShippingAddress

# Service argument names that are not (camelCased) input names.
RENAMED = {"customer_id": None, "viewer_id": None, "address_id": "addressId"}


@error_code_enum(
    CheckoutErrorCode,
    OrderErrorCode,
    StockErrorCode,
    IdempotencyErrorCode,
    VoucherErrorCode,
    name="CheckoutErrorCode",
    description="Why a checkout mutation failed, or what blocks its completion.",
    exclude={
        # Order codes no checkout raises (staff actions, orderCreate's account).
        OrderErrorCode.ORDER_NOT_FOUND,
        OrderErrorCode.ILLEGAL_TRANSITION,
        OrderErrorCode.NOT_PERMITTED,
        OrderErrorCode.INVALID_TRACKING_NUMBER,
        OrderErrorCode.INVALID_CARRIER,
        # Raised by voucherCreate only.
        VoucherErrorCode.INVALID_CODE,
        VoucherErrorCode.CODE_TAKEN,
        VoucherErrorCode.INVALID_VALUE,
        VoucherErrorCode.CURRENCY_REQUIRED,
        VoucherErrorCode.INVALID_CURRENCY,
        VoucherErrorCode.INVALID_LIMIT,
        VoucherErrorCode.INVALID_WINDOW,
        VoucherErrorCode.UNKNOWN_SCOPE,
    },
)
class CheckoutErrorCodeEnum(Enum):
    pass


@strawberry.type(
    name="CheckoutError",
    description="A checkout problem: why a mutation failed, or what blocks completion.",
)
class CheckoutError(UserError[CheckoutErrorCodeEnum]):
    pass


def checkout_error(detail: ErrorDetail) -> CheckoutError:
    """One domain problem as the API shows it (field paths camelCased)."""
    return user_error_from(
        detail, error_type=CheckoutError, codes=CheckoutErrorCodeEnum, renamed=RENAMED
    )


@strawberry.type(description="A way to ship the checkout, priced for its basket.")
class ShippingMethod:
    id: strawberry.ID = strawberry.field(
        description="Pass to checkoutShippingMethodUpdate."
    )
    name: str = strawberry.field(description="e.g. `Standard` or `Express`.")
    zone: str = strawberry.field(description="The shipping zone offering it.")
    price: Money = strawberry.field(
        description="What it costs this basket, as prices are entered (0 when free)."
    )
    minimum_delivery_days: int = strawberry.field(description="Fastest delivery.")
    maximum_delivery_days: int = strawberry.field(description="Slowest delivery.")

    @classmethod
    def from_offer(cls, offer: ShippingOffer, currency: str) -> ShippingMethod:
        return cls(
            id=strawberry.ID(relay.to_base64("ShippingMethod", offer.method_id)),
            name=offer.name,
            zone=offer.zone,
            price=Money(amount=offer.price, currency=currency),
            minimum_delivery_days=offer.min_days,
            maximum_delivery_days=offer.max_days,
        )


@strawberry.type(description="Units of one variant in a checkout, at today's price.")
class CheckoutLine:
    id: strawberry.ID = strawberry.field(description="The line's ID.")
    quantity: int = strawberry.field(description="Units wanted.")
    unit_price: Money = strawberry.field(
        description="Today's price of one unit, as entered (net or gross)."
    )
    total_price: Money = strawberry.field(
        description="What the line costs after its discount, tax included."
    )
    discount: Money = strawberry.field(description="Its share of the voucher, net.")
    tax: Money = strawberry.field(description="Its tax, rounded half-up to the cent.")
    variant_id: strawberry.Private[int]

    @strawberry.field(description="The variant, as the catalog shows it.")
    def variant(self, info: Info) -> ProductVariant | None:
        return info.context.loaders.variant_by_id.get(self.variant_id)  # type: ignore[return-value]

    @classmethod
    def from_view(cls, line: CheckoutLineView, currency: str) -> CheckoutLine:
        priced = line.priced
        return cls(
            id=strawberry.ID(relay.to_base64("CheckoutLine", line.id)),
            quantity=line.quantity,
            unit_price=Money(amount=line.variant.price, currency=currency),
            total_price=Money(amount=priced.total, currency=currency),
            discount=Money(amount=priced.discount, currency=currency),
            tax=Money(amount=priced.tax, currency=currency),
            variant_id=line.variant_id,
        )


@strawberry.type(
    description=(
        "A cart on its way to an order, priced when read. Whoever holds the token of "
        "a guest's checkout may use it; a customer's checkout only its customer."
    )
)
class Checkout:
    token: strawberry.ID = strawberry.field(
        description="The checkout's secret key: keep it, pass it to every checkout call."
    )
    email: str | None = strawberry.field(description="Where the order's emails go.")
    currency: str = strawberry.field(description="ISO 4217 code of every amount.")
    lines: list[CheckoutLine] = strawberry.field(description="Oldest first.")
    shipping_address: ShippingAddress | None = strawberry.field(
        description="Where it ships; null until set."
    )
    shipping_method: ShippingMethod | None = strawberry.field(
        description="The chosen method, if it still serves the address and basket."
    )
    available_shipping_methods: list[ShippingMethod] = strawberry.field(
        description="Methods serving the address and basket, cheapest first."
    )
    promo_code: str | None = strawberry.field(description="The voucher code applied.")
    subtotal: Money = strawberry.field(
        description="The lines before discount, net of tax."
    )
    discount_total: Money = strawberry.field(description="The voucher's discount, net.")
    shipping_total: Money = strawberry.field(description="Shipping, net of tax.")
    tax_total: Money = strawberry.field(description="Tax on the lines and shipping.")
    total: Money = strawberry.field(
        description="subtotal - discountTotal + shippingTotal + taxTotal: what is paid."
    )
    problems: list[CheckoutError] = strawberry.field(
        description="What blocks checkoutComplete now; empty when it can complete."
    )
    created_at: datetime = strawberry.field(description="When it was opened (UTC).")
    updated_at: datetime = strawberry.field(description="When it last changed (UTC).")

    @classmethod
    def from_view(cls, view: CheckoutView) -> Checkout:
        checkout, totals, currency = view.checkout, view.price.totals, view.currency
        address = view.checkout.shipping_address

        def money(amount: Decimal) -> Money:
            return Money(amount=amount, currency=currency)

        return cls(
            token=strawberry.ID(checkout.token),
            email=checkout.email or None,
            currency=currency,
            lines=[CheckoutLine.from_view(line, currency) for line in view.lines],
            shipping_address=ShippingAddress.from_dict(address) if address else None,
            shipping_method=(
                ShippingMethod.from_offer(view.price.shipping, currency)
                if view.price.shipping
                else None
            ),
            available_shipping_methods=[
                ShippingMethod.from_offer(offer, currency)
                for offer in view.price.offers
            ],
            promo_code=checkout.voucher_code or None,
            subtotal=money(totals.subtotal),
            discount_total=money(totals.discount_total),
            shipping_total=money(totals.shipping_total),
            tax_total=money(totals.tax_total),
            total=money(totals.total),
            problems=[checkout_error(problem) for problem in view.problems],
            created_at=checkout.created_at,
            updated_at=checkout.updated_at,
        )
