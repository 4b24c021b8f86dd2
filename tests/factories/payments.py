"""Payments and provider events, signed as the providers sign them."""

from __future__ import annotations

import json
import time
import uuid
from decimal import Decimal
from typing import Any

from apps.orders.models import Order
from apps.payments.models import Payment, Provider
from apps.payments.signatures import paystack_sign, stripe_sign
from config.env import DEV_PAYSTACK_SECRET_KEY, DEV_STRIPE_WEBHOOK_SECRET

STRIPE_SECRET = DEV_STRIPE_WEBHOOK_SECRET
PAYSTACK_SECRET = DEV_PAYSTACK_SECRET_KEY


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


def minor(amount: Decimal) -> int:
    return int(amount * 100)


def stripe_payload(
    event_type: str,
    payment: Payment,
    *,
    amount: Decimal | None = None,
    currency: str | None = None,
    event_id: str | None = None,
) -> dict[str, Any]:
    """A Stripe event about `payment` (a PaymentIntent, or its Charge for refunds)."""
    money = minor(payment.amount if amount is None else amount)
    code = (currency or payment.currency).lower()
    if event_type == "charge.refunded":
        obj = {
            "id": "ch_" + payment.reference[3:],
            "object": "charge",
            "payment_intent": payment.reference,
            "amount": minor(payment.amount),
            "amount_refunded": money,
            "currency": code,
        }
    else:
        obj = {
            "id": payment.reference,
            "object": "payment_intent",
            "amount": money,
            "amount_received": money,
            "currency": code,
            "latest_charge": "ch_" + payment.reference[3:],
        }
    return {
        "id": event_id or "evt_" + uuid.uuid4().hex[:24],
        "object": "event",
        "type": event_type,
        "data": {"object": obj},
    }


def stripe_signed(
    payload: dict[str, Any] | str,
    *,
    secret: str = STRIPE_SECRET,
    timestamp: int | None = None,
) -> tuple[bytes, str]:
    """The body and Stripe-Signature header Stripe would send."""
    body = payload if isinstance(payload, str) else json.dumps(payload)
    return body.encode(), stripe_sign(
        body, secret, timestamp=timestamp or int(time.time())
    )


def paystack_payload(
    event_type: str,
    payment: Payment,
    *,
    amount: Decimal | None = None,
    object_id: int | None = None,
) -> dict[str, Any]:
    money = minor(payment.amount if amount is None else amount)
    data: dict[str, Any] = {
        "id": object_id or uuid.uuid4().int % 10**9,
        "amount": money,
        "currency": payment.currency,
    }
    if event_type == "refund.processed":
        data["transaction_reference"] = payment.reference
        data["status"] = "processed"
    else:
        data["reference"] = payment.reference
        data["status"] = "success"
    return {"event": event_type, "data": data}


def paystack_signed(
    payload: dict[str, Any], *, secret: str = PAYSTACK_SECRET
) -> tuple[bytes, str]:
    body = json.dumps(payload).encode()
    return body, paystack_sign(body, secret)
