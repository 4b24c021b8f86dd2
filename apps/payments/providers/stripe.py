"""Stripe: signed webhooks, PaymentIntents over its API, and its simulation.

Signatures are checked by the official library's
`WebhookSignature.verify_header`, wrapped where it is lax: it accepts
timestamps in the future, skips the age check when no tolerance is passed,
and raises UnicodeDecodeError on a non-UTF-8 body before looking at the
signature. Here all three are refusals.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Mapping, Sequence
from decimal import Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import stripe
from django.conf import settings

from apps.payments.errors import PayloadError, ProviderUnavailableError, SignatureError
from apps.payments.models import Provider
from apps.payments.providers.base import (
    Action,
    ProviderEvent,
    Started,
    StartRequest,
    currency,
    from_minor,
    mapping,
    minor_units,
    named,
    text,
)

if TYPE_CHECKING:
    from apps.payments.models import Payment

logger = logging.getLogger(__name__)

ACTIONS = {
    "payment_intent.amount_capturable_updated": Action.AUTHORIZED,
    "payment_intent.succeeded": Action.CAPTURED,
    "payment_intent.payment_failed": Action.FAILED,
    "charge.refunded": Action.REFUNDED,
}


def verify(
    body: bytes,
    header: str | None,
    *,
    secrets: Sequence[str],
    tolerance: int,
    now: float | None = None,
) -> None:
    """Accept `body` only if signed by one of `secrets` within `tolerance` s.

    Several secrets are tried during a rotation (Stripe signs with each
    active one). The timestamp must be within `tolerance` seconds of now in
    either direction.

    Raises:
        SignatureError: missing or malformed header, no secret, bad
            signature, timestamp too old or in the future, body not UTF-8.
    """
    if not header:
        raise SignatureError("The Stripe-Signature header is missing.")
    if not secrets:
        raise SignatureError("No Stripe webhook secret is configured.")
    try:
        payload = body.decode("utf-8")
    except UnicodeDecodeError:
        raise SignatureError("The body is not UTF-8.") from None
    timestamp = _timestamp(header)
    skew = abs((now if now is not None else time.time()) - timestamp)
    if skew > tolerance:
        raise SignatureError("The signature timestamp is outside the tolerance.")
    for secret in secrets:
        try:
            stripe.WebhookSignature.verify_header(
                payload, header, secret, tolerance=tolerance
            )
        except stripe.SignatureVerificationError:
            continue
        return
    raise SignatureError("No signature matches.")


def _timestamp(header: str) -> int:
    for item in header.split(","):
        key, _, value = item.strip().partition("=")
        if key == "t" and value.isdigit() and len(value) <= 12:
            return int(value)
    raise SignatureError("The Stripe-Signature header has no timestamp.")


def sign(payload: str, secret: str, *, timestamp: int | None = None) -> str:
    """The Stripe-Signature header for `payload`: what Stripe sends (simulator)."""
    return str(
        stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp)
    )


def parse(payload: Any) -> ProviderEvent:
    """Read a Stripe event (API version independent fields only).

    Raises:
        PayloadError: not an event, or a handled type without its fields.
    """
    event = mapping(payload, "event")
    event_id = text(event.get("id"), "id")
    event_type = text(event.get("type"), "type", max_length=100)
    action = ACTIONS.get(event_type, Action.IGNORED)
    base = ProviderEvent(
        provider=Provider.STRIPE,
        event_id=event_id,
        event_type=event_type,
        action=action,
    )
    if action is Action.IGNORED:
        return base
    obj = mapping(mapping(event.get("data"), "data").get("object"), "data.object")
    if action is Action.REFUNDED:  # a Charge
        return ProviderEvent(
            provider=Provider.STRIPE,
            event_id=event_id,
            event_type=event_type,
            action=action,
            reference=text(
                obj.get("payment_intent"), "data.object.payment_intent", max_length=100
            ),
            amount=from_minor(
                obj.get("amount_refunded"), "data.object.amount_refunded"
            ),
            currency=currency(obj.get("currency")),
            transaction_id=text(obj.get("id"), "data.object.id", max_length=100),
        )
    amount_field = "amount_received" if action is Action.CAPTURED else "amount"
    return ProviderEvent(  # a PaymentIntent
        provider=Provider.STRIPE,
        event_id=event_id,
        event_type=event_type,
        action=action,
        reference=text(obj.get("id"), "data.object.id", max_length=100),
        amount=from_minor(obj.get(amount_field), f"data.object.{amount_field}"),
        currency=currency(obj.get("currency")),
        transaction_id=text(
            obj.get("latest_charge") or obj.get("id"),
            "data.object.latest_charge",
            max_length=100,
        ),
    )


def event_payload(
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
    money = minor_units(payment.amount if amount is None else amount)
    code = (currency or payment.currency).lower()
    charge_id = "ch_" + payment.reference.removeprefix("pi_")
    if event_type == "charge.refunded":
        obj: dict[str, Any] = {
            "id": charge_id,
            "object": "charge",
            "payment_intent": payment.reference,
            "amount": minor_units(payment.amount),
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


def _client() -> stripe.StripeClient:
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses={"api": settings.STRIPE_API_BASE},
        max_network_retries=2,
    )


def _unavailable() -> ProviderUnavailableError:
    return ProviderUnavailableError("Stripe did not answer; retry shortly.")


class Stripe:
    """Stripe behind the PaymentProvider protocol (base.py)."""

    provider = Provider.STRIPE
    signature_header = "Stripe-Signature"
    outcomes: Mapping[str, str] = MappingProxyType(
        {
            "succeeded": "payment_intent.succeeded",
            "failed": "payment_intent.payment_failed",
            "refunded": "charge.refunded",
        }
    )

    def verify(self, body: bytes, header: str | None) -> None:
        verify(
            body,
            header,
            secrets=settings.STRIPE_WEBHOOK_SECRETS,
            tolerance=settings.STRIPE_WEBHOOK_TOLERANCE_SECONDS,
        )

    def parse(self, payload: Any) -> ProviderEvent:
        return parse(payload)

    def name(self, payload: Any) -> ProviderEvent:
        if not isinstance(payload, dict):
            raise PayloadError("The body is not a JSON object.")
        return named(Provider.STRIPE, payload.get("id"), payload.get("type"))

    def start(self, request: StartRequest) -> Started:
        """Create a PaymentIntent, keyed so a retry reaches the same one."""
        try:
            intent = _client().v1.payment_intents.create(
                params={
                    "amount": minor_units(request.amount),
                    "currency": request.currency.lower(),
                    "receipt_email": request.email,
                    "metadata": {"order_number": request.order_number},
                },
                options={"idempotency_key": request.idempotency_key},
            )
        except (stripe.APIConnectionError, stripe.RateLimitError) as error:
            raise _unavailable() from error
        return Started(
            reference=str(intent.id), client_secret=str(intent.client_secret)
        )

    def capture(self, *, reference: str, idempotency_key: str) -> None:
        """Capture a PaymentIntent held for manual capture."""
        try:
            _client().v1.payment_intents.capture(
                reference, options={"idempotency_key": idempotency_key}
            )
        except (stripe.APIConnectionError, stripe.RateLimitError) as error:
            raise _unavailable() from error

    def refund(self, *, reference: str, amount: Decimal, idempotency_key: str) -> None:
        """Refund through Stripe's Refunds API."""
        try:
            _client().v1.refunds.create(
                params={"payment_intent": reference, "amount": minor_units(amount)},
                options={"idempotency_key": idempotency_key},
            )
        except (stripe.APIConnectionError, stripe.RateLimitError) as error:
            raise ProviderUnavailableError(
                "The provider did not answer; retry shortly."
            ) from error

    def cancel(self, *, reference: str, idempotency_key: str) -> None:
        """Cancel a PaymentIntent so it can no longer be paid.

        Stripe refuses to cancel an intent that already succeeded; that is
        not an error here, since its capture event is on its way and is what
        counts.
        """
        try:
            _client().v1.payment_intents.cancel(
                reference, options={"idempotency_key": idempotency_key}
            )
        except (stripe.APIConnectionError, stripe.RateLimitError) as error:
            raise _unavailable() from error
        except stripe.InvalidRequestError:
            logger.warning(
                "stripe refused to cancel a payment intent",
                extra={"reference": reference},
            )

    def webhook_secret(self) -> str:
        configured: list[str] = settings.STRIPE_WEBHOOK_SECRETS
        return configured[0] if configured else ""

    def sign(
        self, body: bytes, secret: str, *, timestamp: int | None = None
    ) -> dict[str, str]:
        header = sign(body.decode(), secret, timestamp=timestamp or int(time.time()))
        return {"Stripe-Signature": header}

    def simulated_start(self, request: StartRequest) -> Started:
        reference = f"pi_sim_{secrets.token_hex(12)}"
        return Started(reference=reference, client_secret=f"{reference}_secret_sim")

    def simulated_payload(
        self, event_type: str, payment: Payment, *, amount: Decimal | None = None
    ) -> dict[str, Any]:
        return event_payload(event_type, payment, amount=amount)


PROVIDER = Stripe()
