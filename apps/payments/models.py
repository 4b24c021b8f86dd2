"""Payments, their audit trail, and the provider events that move them."""

from __future__ import annotations

from django.db import models

from apps.core.models import TimeStamped, money_field
from apps.core.money import CURRENCY_CHOICES


class Provider(models.TextChoices):
    STRIPE = "stripe", "Stripe"
    PAYSTACK = "paystack", "Paystack"


class PaymentStatus(models.TextChoices):
    PENDING = "PENDING", "Pending"
    AUTHORIZED = "AUTHORIZED", "Authorized"
    CAPTURED = "CAPTURED", "Captured"
    FAILED = "FAILED", "Failed"
    PARTIALLY_REFUNDED = "PARTIALLY_REFUNDED", "Partially refunded"
    REFUNDED = "REFUNDED", "Refunded"
    CANCELLED = "CANCELLED", "Cancelled"


class Payment(TimeStamped):
    """One attempt to collect an order's outstanding amount through a provider."""

    order = models.ForeignKey(
        "orders.Order", on_delete=models.PROTECT, related_name="payments"
    )
    provider = models.CharField(max_length=20, choices=Provider.choices)
    reference = models.CharField(
        max_length=100,
        help_text="The provider's id for it: a Stripe PaymentIntent id, a Paystack reference.",
    )
    amount = money_field()
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    status = models.CharField(
        max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    refunded_amount = money_field(default=0)
    flagged_reason = models.CharField(
        max_length=200, blank=True, help_text="Set when staff must look at it."
    )
    # What the frontend needs to hand the customer to the provider.
    client_secret = models.CharField(max_length=300, blank=True)
    authorization_url = models.URLField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "reference"], name="payments_unique_reference"
            ),
            # An order has at most one payment that may still take money:
            # starting another closes the first (docs/payments.md).
            models.UniqueConstraint(
                fields=["order"],
                condition=models.Q(
                    status__in=[PaymentStatus.PENDING, PaymentStatus.AUTHORIZED]
                ),
                name="payments_one_open_per_order",
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="payments_amount_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(refunded_amount__gte=0)
                & models.Q(refunded_amount__lte=models.F("amount")),
                name="payments_refund_within_amount",
            ),
        ]
        indexes = [
            models.Index(fields=["order", "status"], name="payments_order_status")
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.reference} ({self.status})"


class PaymentEvent(models.Model):
    """Append-only audit: every change to a payment, and what caused it."""

    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, related_name="events"
    )
    from_status = models.CharField(max_length=20, choices=PaymentStatus.choices)
    to_status = models.CharField(max_length=20, choices=PaymentStatus.choices)
    amount = money_field(help_text="The amount the change concerns.")
    provider_transaction_id = models.CharField(max_length=100, blank=True)
    webhook_event = models.ForeignKey(
        "WebhookEvent",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.payment_id}: {self.from_status} -> {self.to_status}"


class WebhookStatus(models.TextChoices):
    RECEIVED = "RECEIVED", "Received, to process"
    APPLIED = "APPLIED", "Applied"
    NO_CHANGE = "NO_CHANGE", "Processed, nothing to change"
    DEFERRED = "DEFERRED", "Waiting for an earlier event (out of order)"
    ORPHAN = "ORPHAN", "No payment matches yet"
    IGNORED = "IGNORED", "Type we do not handle"
    REJECTED = "REJECTED", "Refused: disagrees with the order (flagged)"
    INVALID = "INVALID", "Signed but unreadable (kept for staff)"


class WebhookEvent(models.Model):
    """A verified provider event, stored raw before anything else happens.

    Unique per (provider, event id): a redelivery finds its first copy and
    changes nothing.
    """

    provider = models.CharField(max_length=20, choices=Provider.choices)
    event_id = models.CharField(max_length=200)
    event_type = models.CharField(max_length=100)
    body = models.TextField(help_text="The raw body, exactly as signed.")
    payload = models.JSONField()
    status = models.CharField(
        max_length=10, choices=WebhookStatus.choices, default=WebhookStatus.RECEIVED
    )
    reference = models.CharField(
        max_length=100, blank=True, help_text="The payment it concerns, once read."
    )
    note = models.CharField(max_length=200, blank=True)
    received_at = models.DateTimeField()
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "event_id"], name="payments_webhook_unique_event"
            ),
        ]
        indexes = [
            models.Index(
                fields=["provider", "reference", "status"], name="payments_webhook_ref"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.event_type} {self.event_id}"
