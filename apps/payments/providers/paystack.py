"""Paystack: HMAC-signed webhooks, transactions over its REST API, its simulation.

Paystack signs the raw body with the secret key (HMAC-SHA512) and no
timestamp: replays are stopped by permanent deduplication of event ids.
Its events carry no id of their own: the event type plus the transaction's
(or refund's) id names one.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import httpx
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

ACTIONS = {
    "charge.success": Action.CAPTURED,
    "refund.processed": Action.REFUND,
}


def verify(body: bytes, header: str | None, *, secret: str) -> None:
    """Accept `body` only if `header` is its HMAC-SHA512 under `secret`.

    Computed over the raw bytes, never re-serialised JSON, and compared in
    constant time.

    Raises:
        SignatureError: missing header, no secret, or mismatch.
    """
    if not header:
        raise SignatureError("The x-paystack-signature header is missing.")
    if not secret:
        raise SignatureError("No Paystack secret key is configured.")
    expected = sign(body, secret).encode()
    # Bytes: compare_digest refuses non-ASCII text, which a forger may send.
    if not hmac.compare_digest(
        expected, header.strip().lower().encode("utf-8", "replace")
    ):
        raise SignatureError("The signature does not match.")


def sign(body: bytes, secret: str) -> str:
    """The x-paystack-signature of `body`: what Paystack sends (simulator)."""
    return hmac.new(secret.encode(), body, hashlib.sha512).hexdigest()


def _event_id(event_type: object, object_id: object) -> str:
    """The id naming a Paystack event: its type and its object's id."""
    return f"{event_type}:{object_id}"


def parse(payload: Any) -> ProviderEvent:
    """Read a Paystack event, named by its type and its object's id.

    Raises:
        PayloadError: not an event, or a handled type without its fields.
    """
    event = mapping(payload, "event")
    event_type = text(event.get("event"), "event", max_length=100)
    data = mapping(event.get("data"), "data")
    object_id = data.get("id")
    if (
        isinstance(object_id, bool)
        or not isinstance(object_id, int | str)
        or object_id == ""
    ):
        raise PayloadError("data.id must identify the transaction or refund.")
    event_id = _event_id(event_type, object_id)
    action = ACTIONS.get(event_type, Action.IGNORED)
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
        reference=text(
            data.get(reference_field), f"data.{reference_field}", max_length=100
        ),
        amount=from_minor(data.get("amount"), "data.amount"),
        currency=currency(data.get("currency")),
        transaction_id=str(object_id)[:100],
    )


def event_payload(
    event_type: str,
    payment: Payment,
    *,
    amount: Decimal | None = None,
    object_id: int | None = None,
) -> dict[str, Any]:
    """A Paystack event about `payment`; `amount` is this one refund for refunds."""
    data: dict[str, Any] = {
        "id": object_id or secrets.randbelow(10**9) + 1,
        "amount": minor_units(payment.amount if amount is None else amount),
        "currency": payment.currency,
    }
    if event_type == "refund.processed":
        data |= {"transaction_reference": payment.reference, "status": "processed"}
    else:
        data |= {"reference": payment.reference, "status": "success"}
    return {"event": event_type, "data": data}


def _post(path: str, payload: dict[str, Any], idempotency_key: str) -> httpx.Response:
    response = httpx.post(
        f"{settings.PAYSTACK_API_BASE}{path}",
        json=payload,
        headers={
            "Authorization": f"Bearer {settings.PAYSTACK_SECRET_KEY}",
            "Idempotency-Key": idempotency_key,
        },
        timeout=10,
    )
    response.raise_for_status()
    return response


class Paystack:
    """Paystack behind the PaymentProvider protocol (base.py)."""

    provider = Provider.PAYSTACK
    signature_header = "X-Paystack-Signature"
    outcomes: Mapping[str, str] = MappingProxyType(
        {"succeeded": "charge.success", "refunded": "refund.processed"}
    )

    def verify(self, body: bytes, header: str | None) -> None:
        verify(body, header, secret=settings.PAYSTACK_SECRET_KEY)

    def parse(self, payload: Any) -> ProviderEvent:
        return parse(payload)

    def name(self, payload: Any) -> ProviderEvent:
        if not isinstance(payload, dict):
            raise PayloadError("The body is not a JSON object.")
        event_type = payload.get("event")
        data = payload.get("data")
        object_id = data.get("id") if isinstance(data, dict) else None
        # Looser than parse on purpose: a signed event whose id is odd (a
        # float, say) is still kept for staff (200 invalid), not refused.
        event_id = (
            _event_id(event_type, object_id) if object_id not in (None, "") else None
        )
        return named(Provider.PAYSTACK, event_id, event_type)

    def start(self, request: StartRequest) -> Started:
        """Initialize a transaction; the customer pays at its authorization URL."""
        reference = f"fs_{secrets.token_hex(12)}"
        try:
            response = _post(
                "/transaction/initialize",
                {
                    "email": request.email,
                    "amount": minor_units(request.amount),
                    "currency": request.currency,
                    "reference": reference,
                },
                request.idempotency_key,
            )
        except httpx.HTTPError as error:
            raise ProviderUnavailableError(
                "Paystack did not answer; retry shortly."
            ) from error
        data = response.json()["data"]
        return Started(
            reference=str(data.get("reference") or reference),
            authorization_url=str(data["authorization_url"]),
        )

    def capture(self, *, reference: str, idempotency_key: str) -> None:
        """Nothing to ask: Paystack captures at charge time."""

    def refund(self, *, reference: str, amount: Decimal, idempotency_key: str) -> None:
        """Refund through Paystack's /refund."""
        try:
            _post(
                "/refund",
                {"transaction": reference, "amount": minor_units(amount)},
                idempotency_key,
            )
        except httpx.HTTPError as error:
            raise ProviderUnavailableError(
                "The provider did not answer; retry shortly."
            ) from error

    def cancel(self, *, reference: str, idempotency_key: str) -> None:
        """Nothing to call: Paystack cannot withdraw an initialized transaction.

        It is abandoned; a charge that still arrives for it is refunded
        automatically (services/processing.py).
        """

    def webhook_secret(self) -> str:
        secret: str = settings.PAYSTACK_SECRET_KEY
        return secret

    def sign(
        self, body: bytes, secret: str, *, timestamp: int | None = None
    ) -> dict[str, str]:
        return {"x-paystack-signature": sign(body, secret)}

    def simulated_start(self, request: StartRequest) -> Started:
        reference = f"sim_{secrets.token_hex(12)}"
        return Started(
            reference=reference,
            authorization_url=f"{settings.PAYMENTS_SIMULATOR_URL}?reference={reference}",
        )

    def simulated_payload(
        self, event_type: str, payment: Payment, *, amount: Decimal | None = None
    ) -> dict[str, Any]:
        return event_payload(event_type, payment, amount=amount)


PROVIDER = Paystack()
