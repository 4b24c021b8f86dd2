"""Order GraphQL types. Resolvers read plain rows; relations go through loaders."""

from __future__ import annotations

import asyncio
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Any

import strawberry
from django.conf import settings
from strawberry import relay

from apps.catalog.stock import StockErrorCode
from apps.core.idempotency import IdempotencyErrorCode
from apps.orders import models
from apps.orders.errors import OrderErrorCode
from apps.orders.rows import OrderRow, OrderStatusChangeRow
from apps.orders.selectors import ORDER_COLUMNS
from apps.orders.status import OrderStatus
from schema.catalog.types import ProductVariant
from schema.context import Info
from schema.core.error_codes import error_code_enum
from schema.core.ids import parse_pk
from schema.core.money import Money
from schema.core.selection import selected_fields
from schema.core.user_errors import UserError
from schema.loaders.orders import PricedLine
from schema.orders.fulfilment import Fulfilment, fulfilment_of
from schema.payments.types import Payment, payment_from


@strawberry.enum(
    name="OrderStatus",
    description=(
        "Where an order is in its life: PENDING_PAYMENT, then PAID or CANCELLED; "
        "a paid order becomes FULFILLED or REFUNDED."
    ),
)
class OrderStatusEnum(Enum):
    PENDING_PAYMENT = strawberry.enum_value(
        OrderStatus.PENDING_PAYMENT.value,
        description=(
            "Placed and awaiting payment; its units are reserved until expiresAt, "
            "when it is cancelled automatically."
        ),
    )
    PAID = strawberry.enum_value(
        OrderStatus.PAID.value, description="Paid; its units are sold."
    )
    FULFILLED = strawberry.enum_value(
        OrderStatus.FULFILLED.value, description="Paid and shipped."
    )
    CANCELLED = strawberry.enum_value(
        OrderStatus.CANCELLED.value,
        description=(
            "Cancelled before payment (by the customer, staff, or expiry); its "
            "reserved units went back on sale."
        ),
    )
    REFUNDED = strawberry.enum_value(
        OrderStatus.REFUNDED.value, description="Paid, then refunded."
    )


def _status(value: str) -> OrderStatusEnum:
    return OrderStatusEnum(value)


@error_code_enum(
    OrderErrorCode,
    StockErrorCode,
    IdempotencyErrorCode,
    name="OrderErrorCode",
    description="Why an order mutation failed.",
)
class OrderErrorCodeEnum(Enum):
    pass


@strawberry.type(
    name="OrderError",
    description="Why an order mutation did not do what was asked.",
)
class OrderError(UserError[OrderErrorCodeEnum]):
    pass


@strawberry.type(description="Where an order ships, as given when it was placed.")
class ShippingAddress:
    full_name: str = strawberry.field(description="Recipient's name.")
    line1: str = strawberry.field(description="First address line.")
    line2: str = strawberry.field(description="Second address line; may be empty.")
    city: str = strawberry.field(description="City or town.")
    postal_code: str = strawberry.field(description="Postal or ZIP code.")
    country: str = strawberry.field(
        description="ISO 3166-1 alpha-2 country code, e.g. `GB`."
    )
    phone: str = strawberry.field(description="Contact phone; may be empty.")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ShippingAddress:
        return cls(
            full_name=data.get("full_name", ""),
            line1=data.get("line1", ""),
            line2=data.get("line2", ""),
            city=data.get("city", ""),
            postal_code=data.get("postal_code", ""),
            country=data.get("country", ""),
            phone=data.get("phone", ""),
        )


@strawberry.type(
    description=(
        "Units of one variant in an order. Name, SKU, size, colour and price are "
        "copied when the order is placed and never change afterwards."
    )
)
class OrderLine:
    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, PricedLine)

    @strawberry.field(description="Product name when ordered.")
    def product_name(self, root: strawberry.Parent[PricedLine]) -> str:
        return root.row.product_name

    @strawberry.field(description="Variant SKU when ordered.")
    def sku(self, root: strawberry.Parent[PricedLine]) -> str:
        return root.row.variant_sku

    @strawberry.field(description="Size label when ordered.")
    def size(self, root: strawberry.Parent[PricedLine]) -> str:
        return root.row.size

    @strawberry.field(description="Colour name when ordered.")
    def colour(self, root: strawberry.Parent[PricedLine]) -> str:
        return root.row.colour

    @strawberry.field(
        description=f"Units ordered (1 to {settings.ORDERS_MAX_UNITS_PER_LINE})."
    )
    def quantity(self, root: strawberry.Parent[PricedLine]) -> int:
        return root.row.quantity

    @strawberry.field(
        description="Price of one unit when ordered, in the order currency."
    )
    def unit_price(self, root: strawberry.Parent[PricedLine]) -> Money:
        return Money(amount=root.row.unit_price, currency=root.currency)

    @strawberry.field(
        description="Unit price times quantity, before discount, as charged."
    )
    def line_total(self, root: strawberry.Parent[PricedLine]) -> Money:
        return Money(amount=root.row.line_total, currency=root.currency)

    @strawberry.field(description="The line's share of the voucher, net of tax.")
    def discount(self, root: strawberry.Parent[PricedLine]) -> Money:
        return Money(amount=root.row.discount, currency=root.currency)

    @strawberry.field(
        description="Tax charged on the line, rounded half-up to the cent."
    )
    def tax(self, root: strawberry.Parent[PricedLine]) -> Money:
        return Money(amount=root.row.tax, currency=root.currency)

    @strawberry.field(description="The tax rate applied, in percent (e.g. `20.00`).")
    def tax_rate(self, root: strawberry.Parent[PricedLine]) -> Decimal:
        return root.row.tax_rate

    @strawberry.field(
        description=(
            "The variant as sold today; null if it was deleted or its product is "
            "no longer published."
        )
    )
    def variant(
        self, root: strawberry.Parent[PricedLine], info: Info
    ) -> ProductVariant | None:
        if root.row.variant_id is None:
            return None
        return info.context.loaders.variant_by_id.get(root.row.variant_id)  # type: ignore[return-value]


@strawberry.type(description="One change of an order's status, for its history.")
class OrderStatusChange:
    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, OrderStatusChangeRow)

    reason: str = strawberry.field(
        description="Why it changed, e.g. `placed`, `cancelled by customer`, `expired`."
    )
    created_at: datetime = strawberry.field(description="When it changed (UTC).")

    @strawberry.field(description="The status before; null for the order's creation.")
    def from_status(
        self, root: strawberry.Parent[OrderStatusChangeRow]
    ) -> OrderStatusEnum | None:
        return _status(root.from_status) if root.from_status else None

    @strawberry.field(description="The status after.")
    def to_status(
        self, root: strawberry.Parent[OrderStatusChangeRow]
    ) -> OrderStatusEnum:
        return _status(root.to_status)


@strawberry.type(
    description=(
        "A customer's order. Visible to the customer who placed it and to staff; "
        "to anyone else it does not exist."
    )
)
class Order(relay.Node):
    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, (OrderRow, cls))

    id: relay.NodeID[int]
    number: str = strawberry.field(
        description="Human-readable order number, e.g. `FS-7KQ2M-X9D4B`; unique."
    )
    currency: str = strawberry.field(
        description="ISO 4217 currency code of every amount in the order."
    )
    expires_at: datetime | None = strawberry.field(
        description=(
            "When an unpaid order is cancelled automatically (UTC), 30 minutes "
            "after placement."
        )
    )
    created_at: datetime = strawberry.field(description="When it was placed (UTC).")

    @strawberry.field(description="Current status.")
    def status(self, root: strawberry.Parent[OrderRow]) -> OrderStatusEnum:
        return _status(root.status)

    @strawberry.field(description="The lines before discount, net of tax, as charged.")
    def subtotal(self, root: strawberry.Parent[OrderRow]) -> Money:
        return Money(amount=root.subtotal, currency=root.currency)

    @strawberry.field(description="The voucher's discount, net of tax.")
    def discount_total(self, root: strawberry.Parent[OrderRow]) -> Money:
        return Money(amount=root.discount_total, currency=root.currency)

    @strawberry.field(description="Shipping charged, net of tax.")
    def shipping_total(self, root: strawberry.Parent[OrderRow]) -> Money:
        return Money(amount=root.shipping_total, currency=root.currency)

    @strawberry.field(
        description="Tax charged: the sum of each line's and the shipping's."
    )
    def tax_total(self, root: strawberry.Parent[OrderRow]) -> Money:
        return Money(amount=root.tax_total, currency=root.currency)

    @strawberry.field(
        description=(
            "Amount to pay: subtotal - discountTotal + shippingTotal + taxTotal, "
            "to the cent."
        )
    )
    def total(self, root: strawberry.Parent[OrderRow]) -> Money:
        return Money(amount=root.total, currency=root.currency)

    @strawberry.field(description="The promo code applied; null if none.")
    def voucher_code(self, root: strawberry.Parent[OrderRow]) -> str | None:
        return root.voucher_code or None

    @strawberry.field(description="The shipping method chosen; null for orderCreate.")
    def shipping_method_name(self, root: strawberry.Parent[OrderRow]) -> str | None:
        return root.shipping_method_name or None

    @strawberry.field(description="Where the order ships.")
    def shipping_address(self, root: strawberry.Parent[OrderRow]) -> ShippingAddress:
        return ShippingAddress.from_dict(root.shipping_address)

    @strawberry.field(description="The order's lines, in the order they were given.")
    def lines(self, root: strawberry.Parent[OrderRow], info: Info) -> list[OrderLine]:
        return info.context.loaders.lines_by_order_id.get((root.id, root.currency))  # type: ignore[return-value]

    @strawberry.field(description="How it ships: null until the order is FULFILLED.")
    def fulfilment(self, root: strawberry.Parent[OrderRow]) -> Fulfilment | None:
        return fulfilment_of(root)

    @strawberry.field(
        description="Every status change, oldest first, creation included."
    )
    def status_history(
        self, root: strawberry.Parent[OrderRow], info: Info
    ) -> list[OrderStatusChange]:
        return info.context.loaders.status_changes_by_order_id.get(root.id)  # type: ignore[return-value]

    @strawberry.field(
        description=(
            "The order's payment: the open one, else the one that paid it, else "
            "the latest attempt; null before paymentInitialize."
        )
    )
    async def payment(
        self, root: strawberry.Parent[OrderRow], info: Info
    ) -> Payment | None:
        found = await info.context.loaders.payment_by_order_id.load(root.id)
        return payment_from(found) if found is not None else None

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Any, required: bool = False
    ) -> list[Any]:
        viewer = await info.context.auser()
        loader = info.context.loaders.order_by_id
        found = await asyncio.gather(
            *(_load_order(loader, viewer, node_id) for node_id in node_ids)
        )
        if required and any(node is None for node in found):
            msg = "Some of the requested objects do not exist."
            raise ValueError(msg)
        return list(found)


async def _load_order(loader: Any, viewer: Any, node_id: str) -> Any:
    pk = parse_pk(node_id)
    if pk is None:
        return None
    return await loader.load((viewer, pk))


@strawberry.type(description="A page of orders, newest first.")
class OrderConnection(relay.Connection[Order]):
    pass


def order_row(order: models.Order) -> OrderRow:
    """Return the read model of an order a service just returned."""
    return OrderRow(**{column: getattr(order, column) for column in ORDER_COLUMNS})


async def prefetch_order_relations(
    info: Info, rows: list[OrderRow], *path: str
) -> None:
    """Load the lines, history and variants the client selected for `rows`.

    One batch query each, as field-by-field resolution would make; with the
    values settled, each Order's relations resolve without a coroutine.
    """
    wanted = selected_fields(info, *path)
    loaders = info.context.loaders
    pending = []
    if "lines" in wanted:
        pending.append(
            loaders.lines_by_order_id.prefetch([(row.id, row.currency) for row in rows])
        )
    if "statusHistory" in wanted:
        pending.append(
            loaders.status_changes_by_order_id.prefetch([row.id for row in rows])
        )
    await asyncio.gather(*pending)
    if "variant" in selected_fields(info, *path, "lines"):
        variant_ids: list[int] = []
        for row in rows:
            lines = loaders.lines_by_order_id.get((row.id, row.currency))
            assert isinstance(lines, list)
            variant_ids.extend(
                line.row.variant_id for line in lines if line.row.variant_id
            )
        await loaders.variant_by_id.prefetch(list(dict.fromkeys(variant_ids)))
