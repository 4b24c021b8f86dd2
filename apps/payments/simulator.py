"""The providers' side of a payment, simulated: their events, genuinely signed.

Used by `manage.py payment_simulate` (a developer completes a payment made
with the simulated adapter) and by the tests. Bodies follow the providers'
documented event shapes, limited to the fields we read plus their ids.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings

from apps.payments.models import Payment, Provider
from apps.payments.signatures import paystack_sign, stripe_sign

# What a developer asks for -> each provider's event type.
OUTCOMES = {
    "succeeded": {
        Provider.STRIPE: "payment_intent.succeeded",
        Provider.PAYSTACK: "charge.success",
    },
    "failed": {Provider.STRIPE: "payment_intent.payment_failed"},
    "refunded": {
        Provider.STRIPE: "charge.refunded",
        Provider.PAYSTACK: "refund.processed",
    },
}


def _minor(amount: Decimal) -> int:
    return int(amount * 100)


def stripe_payload(
    event_type: str,
    payment: Payment,
    *,
    amount: Decimal | None = None,
    currency: str | None = None,
    event_id: str | None = None,
) -> dict[str, Any]:
    """A Stripe event about `payment` (a PaymentIntent, or its Charge for refunds).

    For `charge.refunded`, `amount` is the running refunded total.
    """
    money = _minor(payment.amount if amount is None else amount)
    code = (currency or payment.currency).lower()
    charge_id = "ch_" + payment.reference.removeprefix("pi_")
    if event_type == "charge.refunded":
        obj: dict[str, Any] = {
            "id": charge_id,
            "object": "charge",
            "payment_intent": payment.reference,
            "amount": _minor(payment.amount),
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
            "latest_charge": charge_id,
        }
    return {
        "id": event_id or "evt_" + secrets.token_hex(12),
        "object": "event",
        "type": event_type,
        "created": int(time.time()),
        "data": {"object": obj},
    }


def paystack_payload(
    event_type: str,
    payment: Payment,
    *,
    amount: Decimal | None = None,
    object_id: int | None = None,
) -> dict[str, Any]:
    """A Paystack event about `payment`; `amount` is this one refund for refunds."""
    data: dict[str, Any] = {
        "id": object_id or secrets.randbelow(10**9) + 1,
        "amount": _minor(payment.amount if amount is None else amount),
        "currency": payment.currency,
    }
    if event_type == "refund.processed":
        data |= {"transaction_reference": payment.reference, "status": "processed"}
    else:
        data |= {"reference": payment.reference, "status": "success"}
    return {"event": event_type, "data": data}


def signed(
    provider: Provider,
    payload: dict[str, Any] | str,
    *,
    secret: str,
    timestamp: int | None = None,
) -> tuple[bytes, dict[str, str]]:
    """The body and signature header the provider would send."""
    body = payload if isinstance(payload, str) else json.dumps(payload)
    if provider == Provider.STRIPE:
        header = stripe_sign(body, secret, timestamp=timestamp or int(time.time()))
        return body.encode(), {"Stripe-Signature": header}
    return body.encode(), {"x-paystack-signature": paystack_sign(body.encode(), secret)}


class SimulationError(ValueError):
    """The simulated provider cannot send this event (a message for the developer)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Delivery:
    """A provider's signed webhook, ready to post to this server."""

    event_type: str
    path: str
    body: bytes
    headers: dict[str, str]


def outcomes_of(provider: Provider) -> list[str]:
    """The outcomes `provider` has an event for, in OUTCOMES order."""
    return [name for name, events in OUTCOMES.items() if provider in events]


def delivery(
    payment: Payment, outcome: str, *, amount: Decimal | None = None
) -> Delivery:
    """The provider's genuinely signed event reporting `outcome` for `payment`.

    Signed with the configured webhook secret, so the server verifies it as
    it would the provider's (`payment_simulate` and the simulated checkout
    page both post it).

    Raises:
        SimulationError: an unknown outcome, one the provider never sends,
            or no webhook secret configured.
    """
    provider = Provider(payment.provider)
    event_type = OUTCOMES.get(outcome, {}).get(provider)
    if event_type is None:
        msg = f"{provider} sends no {outcome!r} event."
        raise SimulationError(msg)
    if provider == Provider.STRIPE:
        payload = stripe_payload(event_type, payment, amount=amount)
        secrets_ = settings.STRIPE_WEBHOOK_SECRETS
        secret = secrets_[0] if secrets_ else ""
    else:
        payload = paystack_payload(event_type, payment, amount=amount)
        secret = settings.PAYSTACK_SECRET_KEY
    if not secret:
        msg = f"No {provider} webhook secret is configured."
        raise SimulationError(msg)
    body, headers = signed(provider, payload, secret=secret)
    return Delivery(
        event_type=event_type,
        path=f"/webhooks/{provider}/",
        body=body,
        headers={**headers, "Content-Type": "application/json"},
    )
