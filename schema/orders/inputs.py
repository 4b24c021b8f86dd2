from __future__ import annotations

from datetime import datetime

import strawberry
from django.conf import settings
from strawberry import relay

from schema.orders.types import OrderStatusEnum


@strawberry.input(description="Units of one variant to order.")
class OrderLineInput:
    variant_id: relay.GlobalID = strawberry.field(
        description="A ProductVariant ID; at most one line per variant."
    )
    quantity: int = strawberry.field(
        description=f"Units to order, 1 to {settings.ORDERS_MAX_UNITS_PER_LINE}."
    )


@strawberry.input(description="Where to ship an order.")
class ShippingAddressInput:
    full_name: str = strawberry.field(
        description="Recipient's name; required, at most 200 characters."
    )
    line1: str = strawberry.field(
        description="First address line; required, at most 200 characters."
    )
    line2: str = strawberry.field(
        default="", description="Second address line; at most 200 characters."
    )
    city: str = strawberry.field(
        description="City or town; required, at most 100 characters."
    )
    postal_code: str = strawberry.field(
        description="Postal or ZIP code; required, at most 20 characters."
    )
    country: str = strawberry.field(
        description="ISO 3166-1 alpha-2 country code, e.g. `GB`."
    )
    phone: str = strawberry.field(
        default="", description="Contact phone; at most 32 characters."
    )


@strawberry.input(description="A new order.")
class OrderCreateInput:
    lines: list[OrderLineInput] = strawberry.field(
        description=(
            f"What to buy: 1 to {settings.ORDERS_MAX_LINES} lines, one per variant."
        )
    )
    shipping_address: ShippingAddressInput = strawberry.field(
        description="Where to ship it."
    )
    idempotency_key: str = strawberry.field(
        description=(
            "Chosen by the client (e.g. a UUID), 1 to 255 characters, unique per "
            "customer. Retrying with the same key and the same lines and address "
            "returns the first order (for 24 hours); with anything else it is "
            "IDEMPOTENCY_KEY_REUSED."
        )
    )


@strawberry.input(description="Conditions on orders; all given conditions must hold.")
class OrderFilterInput:
    status: OrderStatusEnum | None = strawberry.field(
        default=None, description="Only orders in this status."
    )
    customer: strawberry.ID | None = strawberry.field(
        default=None, description="Only orders of this customer (a User ID)."
    )
    created_from: datetime | None = strawberry.field(
        default=None, description="Only orders placed at or after this instant."
    )
    created_before: datetime | None = strawberry.field(
        default=None, description="Only orders placed strictly before this instant."
    )
