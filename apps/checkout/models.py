"""Checkouts: a basket with its buyer, address, shipping and promo code, before the order.

A checkout reserves nothing: stock is taken when it completes into an order.
Its token is the only key a guest has, so it is long and random; a signed-in
customer's checkout also belongs to their account.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q

from apps.core.models import money_field

TOKEN_BYTES = 32  # 43 URL-safe characters


def token_new() -> str:
    """An unguessable checkout token (256 bits)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


class Checkout(models.Model):
    """A cart on its way to becoming an order."""

    token = models.CharField(max_length=64, unique=True, default=token_new)
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="checkouts",
        help_text="Empty for a guest's checkout; set when its holder signs in.",
    )
    email = models.EmailField(blank=True)
    shipping_address = models.JSONField(null=True, blank=True)
    shipping_method = models.ForeignKey(
        "pricing.ShippingMethod",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    voucher_code = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(
        auto_now=True, help_text="Abandoned checkouts are purged by this."
    )

    class Meta:
        indexes = [models.Index(fields=["updated_at"], name="checkout_updated")]

    def __str__(self) -> str:
        return f"checkout {self.pk}"


class CheckoutLine(models.Model):
    """Units of one variant in a checkout, and the price the buyer agreed to."""

    checkout = models.ForeignKey(
        Checkout, on_delete=models.CASCADE, related_name="lines"
    )
    variant = models.ForeignKey(
        "catalog.ProductVariant", on_delete=models.CASCADE, related_name="+"
    )
    quantity = models.PositiveIntegerField()
    price_seen = money_field(
        help_text="The unit price when the line was last set: completion "
        "refuses PRICE_CHANGED if it differs."
    )

    class Meta:
        ordering = ("checkout", "id")
        constraints = [
            models.UniqueConstraint(
                fields=["checkout", "variant"], name="checkout_line_unique_variant"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="checkout_line_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.variant_id}"
