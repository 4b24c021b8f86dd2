"""Provider event bodies read into one shape: which payment, what happened.

Only the fields we act on are read; everything else stays in the stored raw
payload. Amounts arrive in minor units (cents, kobo): every currency we sell
in has two decimal places.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from apps.core.money import CURRENCIES
from apps.payments.errors import PayloadError
from apps.payments.models import Provider


class Action(StrEnum):
    AUTHORIZED = "AUTHORIZED"
    CAPTURED = "CAPTURED"
    FAILED = "FAILED"
    REFUNDED = "REFUNDED"  # `amount` is the cumulative refunded total
    REFUND = "REFUND"  # `amount` is this one refund (Paystack)
    IGNORED = "IGNORED"


@dataclass(frozen=True, slots=True, kw_only=True)
class ProviderEvent:
    provider: Provider
    event_id: str
    event_type: str
    action: Action
    reference: str = ""
    amount: Decimal | None = None
    currency: str = ""
    transaction_id: str = ""


def _minor(value: Any, field: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise PayloadError(f"{field} must be a non-negative integer of minor units.")
    return Decimal(value) / 100


def _currency(value: Any) -> str:
    code = str(value or "").upper()
    if code not in CURRENCIES:
        raise PayloadError(f"Unsupported currency {value!r}.")
    return code


def _text(value: Any, field: str, *, max_length: int = 200) -> str:
    if not isinstance(value, str) or not value or len(value) > max_length:
        raise PayloadError(f"{field} must be a non-empty string.")
    if "\x00" in value:
        raise PayloadError(f"{field} contains a NUL character.")
    return value


def _object(value: Any, field: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise PayloadError(f"{field} must be an object.")
    return value


STRIPE_ACTIONS = {
    "payment_intent.amount_capturable_updated": Action.AUTHORIZED,
    "payment_intent.succeeded": Action.CAPTURED,
    "payment_intent.payment_failed": Action.FAILED,
    "charge.refunded": Action.REFUNDED,
}


def stripe_event(payload: Any) -> ProviderEvent:
    """Read a Stripe event (API version independent fields only).

    Raises:
        PayloadError: not an event, or a handled type without its fields.
    """
    event = _object(payload, "event")
    event_id = _text(event.get("id"), "id")
    event_type = _text(event.get("type"), "type", max_length=100)
    action = STRIPE_ACTIONS.get(event_type, Action.IGNORED)
    base = ProviderEvent(
        provider=Provider.STRIPE,
        event_id=event_id,
        event_type=event_type,
        action=action,
    )
    if action is Action.IGNORED:
        return base
    obj = _object(_object(event.get("data"), "data").get("object"), "data.object")
    if action is Action.REFUNDED:  # a Charge
        return ProviderEvent(
            provider=Provider.STRIPE,
            event_id=event_id,
            event_type=event_type,
            action=action,
            reference=_text(
                obj.get("payment_intent"), "data.object.payment_intent", max_length=100
            ),
            amount=_minor(obj.get("amount_refunded"), "data.object.amount_refunded"),
            currency=_currency(obj.get("currency")),
            transaction_id=_text(obj.get("id"), "data.object.id", max_length=100),
        )
    amount_field = "amount_received" if action is Action.CAPTURED else "amount"
    return ProviderEvent(  # a PaymentIntent
        provider=Provider.STRIPE,
        event_id=event_id,
        event_type=event_type,
        action=action,
        reference=_text(obj.get("id"), "data.object.id", max_length=100),
        amount=_minor(obj.get(amount_field), f"data.object.{amount_field}"),
        currency=_currency(obj.get("currency")),
        transaction_id=_text(
            obj.get("latest_charge") or obj.get("id"),
            "data.object.latest_charge",
            max_length=100,
        ),
    )


PAYSTACK_ACTIONS = {
    "charge.success": Action.CAPTURED,
    "refund.processed": Action.REFUND,
}


def paystack_event(payload: Any) -> ProviderEvent:
    """Read a Paystack event, named by its type and its object's id.

    Paystack events carry no id of their own: the event type plus the
    transaction's (or refund's) id names one.

    Raises:
        PayloadError: not an event, or a handled type without its fields.
    """
    event = _object(payload, "event")
    event_type = _text(event.get("event"), "event", max_length=100)
    data = _object(event.get("data"), "data")
    object_id = data.get("id")
    if (
        isinstance(object_id, bool)
        or not isinstance(object_id, int | str)
        or object_id == ""
    ):
        raise PayloadError("data.id must identify the transaction or refund.")
    event_id = f"{event_type}:{object_id}"
    action = PAYSTACK_ACTIONS.get(event_type, Action.IGNORED)
    if action is Action.IGNORED:
        return ProviderEvent(
            provider=Provider.PAYSTACK,
            event_id=event_id,
            event_type=event_type,
            action=action,
        )
    reference_field = (
        "reference" if action is Action.CAPTURED else "transaction_reference"
    )
    return ProviderEvent(
        provider=Provider.PAYSTACK,
        event_id=event_id,
        event_type=event_type,
        action=action,
        reference=_text(
            data.get(reference_field), f"data.{reference_field}", max_length=100
        ),
        amount=_minor(data.get("amount"), "data.amount"),
        currency=_currency(data.get("currency")),
        transaction_id=str(object_id)[:100],
    )


def provider_event(provider: Provider, payload: Any) -> ProviderEvent:
    """Read `payload` as an event of `provider`."""
    if provider == Provider.STRIPE:
        return stripe_event(payload)
    return paystack_event(payload)
