from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from apps.core.models import TimeStamped, money_field
from apps.core.money import CURRENCY_CHOICES
from apps.orders.status import OrderStatus


class Order(TimeStamped):
    """A customer's purchase: its lines, totals and where it ships."""

    number = models.CharField(
        max_length=20, unique=True, help_text="Readable reference, e.g. FS-7KQ2M-9XW3D."
    )
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
        help_text="Empty for a guest's order (placed from a checkout).",
    )
    email = models.EmailField(
        blank=True, help_text="Where the order's emails go, as given at purchase."
    )
    checkout_token = models.CharField(
        max_length=64,
        null=True,
        blank=True,
        unique=True,
        help_text="The checkout it was placed from: a guest reads it by this token.",
    )
    status = models.CharField(
        max_length=20, choices=OrderStatus.choices, default=OrderStatus.PENDING_PAYMENT
    )
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    subtotal = money_field(help_text="Lines before discount, net of tax.")
    discount_total = money_field(default=Decimal("0.00"))
    shipping_total = money_field()
    tax_total = money_field(default=Decimal("0.00"))
    total = money_field(help_text="What is paid: subtotal - discount + shipping + tax.")
    voucher_code = models.CharField(max_length=32, blank=True)
    shipping_method_name = models.CharField(
        max_length=100, blank=True, help_text="As chosen at purchase."
    )
    shipping_address = models.JSONField(help_text="Snapshot taken at purchase.")
    idempotency_key = models.CharField(max_length=255)
    expires_at = models.DateTimeField(
        null=True, blank=True, help_text="When an unpaid order is cancelled."
    )
    paid_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When its payment was captured; reports count by it.",
    )
    tracking_number = models.CharField(
        max_length=40, blank=True, help_text="Set when the order is fulfilled."
    )
    carrier = models.CharField(
        max_length=50, blank=True, help_text="Who ships it, e.g. DHL or Royal Mail."
    )
    fulfilled_at = models.DateTimeField(
        null=True, blank=True, help_text="When it was handed to the carrier."
    )

    class Meta:
        constraints = [
            # A second line of defence behind apps.core.idempotency.
            models.UniqueConstraint(
                fields=["customer", "idempotency_key"],
                name="orders_order_unique_idempotency_key",
            ),
            models.CheckConstraint(
                condition=Q(subtotal__gte=0)
                & Q(shipping_total__gte=0)
                & Q(discount_total__gte=0)
                & Q(tax_total__gte=0)
                & Q(total__gte=0),
                name="orders_order_totals_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(status__in=OrderStatus.values),
                name="orders_order_status_valid",
            ),
        ]
        indexes = [
            models.Index(
                fields=["customer", "created_at", "id"], name="orders_customer_created"
            ),
            models.Index(fields=["created_at", "id"], name="orders_created"),
            models.Index(fields=["status", "expires_at"], name="orders_status_expires"),
            models.Index(fields=["paid_at"], name="orders_paid_at"),
        ]

    def __str__(self) -> str:
        return self.number


class OrderLine(models.Model):
    """Units of one variant in an order, priced and named as at purchase."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    # Kept nullable: a variant removed from the catalog leaves its snapshot.
    variant = models.ForeignKey(
        "catalog.ProductVariant",
        null=True,
        on_delete=models.SET_NULL,
        related_name="order_lines",
    )
    product_name = models.CharField(max_length=200)
    variant_sku = models.CharField(max_length=64)
    size = models.CharField(max_length=16)
    colour = models.CharField(max_length=32)
    quantity = models.PositiveIntegerField()
    unit_price = money_field()
    line_total = money_field(help_text="unit_price x quantity, before discount.")
    discount = money_field(default=Decimal("0.00"), help_text="Net of tax.")
    tax_rate = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal(0))
    tax = money_field(default=Decimal("0.00"))

    class Meta:
        ordering = ("order", "id")
        constraints = [
            models.UniqueConstraint(
                fields=["order", "variant"], name="orders_line_unique_variant"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="orders_line_quantity_positive"
            ),
            models.CheckConstraint(
                # No equality check on line_total: SQLite compares decimals
                # as floats, so unit_price * quantity may differ in the last bit.
                condition=Q(unit_price__gte=0) & Q(line_total__gte=0),
                name="orders_line_prices_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.variant_sku}"


class OrderStatusChange(models.Model):
    """One transition of an order's status: the audit trail, never edited."""

    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(
        max_length=20,
        choices=OrderStatus.choices,
        blank=True,
        help_text="Empty for the row that records the order's creation.",
    )
    to_status = models.CharField(max_length=20, choices=OrderStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty when the system made the change (expiry, payments).",
    )
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ("order", "created_at", "id")

    def __str__(self) -> str:
        return f"{self.order_id}: {self.from_status} -> {self.to_status}"


class OrderEmail(models.Model):
    """An email sent about an order; unique per kind so a retry sends none."""

    class Kind(models.TextChoices):
        RECEIVED = "RECEIVED", "Order received"
        CONFIRMED = "CONFIRMED", "Order confirmed (paid)"
        SHIPPED = "SHIPPED", "Order shipped"

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="emails")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["order", "kind"], name="orders_email_unique_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.order_id}"
