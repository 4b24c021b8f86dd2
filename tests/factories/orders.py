"""Customers, addresses and orders: orders are placed through the real service."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Sequence
from datetime import datetime

from django.utils import timezone

from apps.accounts.models import User
from apps.catalog.models import ProductVariant
from apps.orders import models
from apps.orders.services import LineInput, ShippingAddress, limits, order_place
from tests.factories.catalog import stocked_variant

_emails = itertools.count(1)


def customer(**extra: object) -> User:
    """A new active customer with a unique, verified email (unless given)."""
    extra.setdefault("email_verified_at", timezone.now())
    return User.objects.create_user(
        email=f"customer{next(_emails)}@example.com", password="pw-Secret-123", **extra
    )


def staff(**extra: object) -> User:
    """A new active staff member."""
    return User.objects.create_user(
        email=f"staff{next(_emails)}@example.com",
        password="pw-Secret-123",
        is_staff=True,
        **extra,
    )


# The same address as a GraphQL `ShippingAddressInput`.
ADDRESS_INPUT = {
    "fullName": "Ada Lovelace",
    "line1": "12 St James's Square",
    "city": "London",
    "postalCode": "SW1Y 4JH",
    "country": "GB",
}


def address(**overrides: str) -> ShippingAddress:
    """A valid shipping address; keyword arguments replace its fields."""
    fields = {
        "full_name": "Ada Lovelace",
        "line1": "12 St James's Square",
        "city": "London",
        "postal_code": "SW1Y 4JH",
        "country": "GB",
    }
    fields.update(overrides)
    return ShippingAddress(**fields)


def lines(*pairs: tuple[ProductVariant, int]) -> list[LineInput]:
    """Order lines from (variant, quantity) pairs."""
    return [LineInput(variant_id=v.pk, quantity=q) for v, q in pairs]


def placed_order(
    *,
    buyer: User | None = None,
    items: Sequence[tuple[ProductVariant, int]] | None = None,
    now: datetime | None = None,
    key: str | None = None,
) -> models.Order:
    """An order placed through `order_place` (1 unit of a new variant by default).

    It builds history, not traffic: the customer's placement pace is given
    back, so a test can set up a hundred orders without being THROTTLED.
    """
    buyer = buyer or customer()
    order = order_place(
        customer_id=buyer.pk,
        lines=lines(*(items or [(stocked_variant(on_hand=10), 1)])),
        shipping_address=address(),
        idempotency_key=key or uuid.uuid4().hex,
        now=now,
    )
    limits.placement_refund(limits.buyer_key(buyer.pk, ""))
    return order


def buyer_of(order: models.Order) -> User:
    """The customer who placed `order` (every factory order has one)."""
    assert order.customer is not None, "a guest's order has no customer"
    return order.customer
