"""Payments and provider events, signed as the providers sign them."""

from __future__ import annotations

import uuid
from typing import Any

from apps.orders.models import Order
from apps.payments.models import Payment, Provider
from apps.payments.providers.paystack import event_payload as paystack_payload
from apps.payments.providers.simulated import signed
from apps.payments.providers.stripe import event_payload as stripe_payload
from config.env import DEV_PAYSTACK_SECRET_KEY, DEV_STRIPE_WEBHOOK_SECRET

STRIPE_SECRET = DEV_STRIPE_WEBHOOK_SECRET
PAYSTACK_SECRET = DEV_PAYSTACK_SECRET_KEY

__all__ = ["paystack_payload", "stripe_payload"]


def payment_for(order: Order, *, provider: Provider = Provider.STRIPE) -> Payment:
    """A PENDING payment of the order's total, as paymentInitialize makes one."""
    prefix = "pi_" if provider == Provider.STRIPE else "ps_"
    return Payment.objects.create(
        order=order,
        provider=provider,
        reference=prefix + uuid.uuid4().hex[:20],
        amount=order.total,
        currency=order.currency,
    )


def stripe_signed(
    payload: dict[str, Any] | str,
    *,
    secret: str = STRIPE_SECRET,
    timestamp: int | None = None,
) -> tuple[bytes, str]:
    """The body and Stripe-Signature header Stripe would send."""
    body, headers = signed(Provider.STRIPE, payload, secret=secret, timestamp=timestamp)
    return body, headers["Stripe-Signature"]


def paystack_signed(
    payload: dict[str, Any], *, secret: str = PAYSTACK_SECRET
) -> tuple[bytes, str]:
    """The body and x-paystack-signature header Paystack would send."""
    body, headers = signed(Provider.PAYSTACK, payload, secret=secret)
    return body, headers["x-paystack-signature"]
