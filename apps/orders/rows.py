"""Plain read models of orders handed to the interfaces (see catalog.rows)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderRow:
    id: int
    number: str
    customer_id: int | None
    status: str
    currency: str
    subtotal: Decimal
    discount_total: Decimal
    shipping_total: Decimal
    tax_total: Decimal
    total: Decimal
    voucher_code: str
    shipping_method_name: str
    shipping_address: dict[str, Any]
    expires_at: datetime | None
    created_at: datetime
    updated_at: datetime
    tracking_number: str
    carrier: str
    fulfilled_at: datetime | None


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderLineRow:
    id: int
    order_id: int
    variant_id: int | None
    product_name: str
    variant_sku: str
    size: str
    colour: str
    quantity: int
    unit_price: Decimal
    line_total: Decimal
    discount: Decimal
    tax_rate: Decimal
    tax: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderStatusChangeRow:
    id: int
    order_id: int
    from_status: str
    to_status: str
    actor_id: int | None
    reason: str
    created_at: datetime
