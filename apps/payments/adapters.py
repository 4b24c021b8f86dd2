"""Starting a payment at the provider: one adapter per way of doing it.

`PAYMENTS_ADAPTER=simulated` (the default while DEBUG is on) answers like
the provider without any network: references and secrets are made up, and
`manage.py payment_simulate` later posts the provider's signed webhook to
our own endpoint, so the whole flow works offline. The live adapters call
Stripe (through the official library) and Paystack (its REST API), always
with an idempotency key derived from the order, so a retried call cannot
start a second charge.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

import httpx
import stripe
from django.conf import settings

from apps.payments.errors import ProviderUnavailableError
from apps.payments.models import Provider

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class Started:
    """The provider's handle on a new payment and how the customer pays it."""

    reference: str
    client_secret: str = ""
    authorization_url: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class StartRequest:
    provider: Provider
    amount: Decimal
    currency: str
    email: str
    order_number: str
    idempotency_key: str


class Adapter(Protocol):
    def start(self, request: StartRequest) -> Started: ...

    def capture(
        self, *, provider: Provider, reference: str, idempotency_key: str
    ) -> None:
        """Ask the provider to capture an authorized payment (once per key)."""

    def refund(
        self,
        *,
        provider: Provider,
        reference: str,
        amount: Decimal,
        idempotency_key: str,
    ) -> None:
        """Ask the provider to refund `amount` of a captured payment (once per key)."""

    def cancel(
        self, *, provider: Provider, reference: str, idempotency_key: str
    ) -> None:
        """Ask the provider to drop a payment not yet captured (once per key)."""


def _minor(amount: Decimal) -> int:
    return int(amount * 100)


class SimulatedAdapter:
    """The providers' answers, made up locally; webhooks come from the simulator."""

    def start(self, request: StartRequest) -> Started:
        token = secrets.token_hex(12)
        if request.provider == Provider.STRIPE:
            reference = f"pi_sim_{token}"
            return Started(reference=reference, client_secret=f"{reference}_secret_sim")
        reference = f"sim_{token}"
        return Started(
            reference=reference,
            authorization_url=f"{settings.PAYMENTS_SIMULATOR_URL}?reference={reference}",
        )

    def capture(
        self, *, provider: Provider, reference: str, idempotency_key: str
    ) -> None:
        """Nothing to call: `payment_simulate REF succeeded` plays Stripe's answer."""

    def refund(
        self,
        *,
        provider: Provider,
        reference: str,
        amount: Decimal,
        idempotency_key: str,
    ) -> None:
        """Nothing to call: `payment_simulate REF refunded` plays the answer."""

    def cancel(
        self, *, provider: Provider, reference: str, idempotency_key: str
    ) -> None:
        """Nothing to call: a simulated payment is only a row here."""


class LiveAdapter:
    """Stripe PaymentIntents and Paystack transactions over the network."""

    def start(self, request: StartRequest) -> Started:
        if request.provider == Provider.STRIPE:
            return self._stripe(request)
        return self._paystack(request)

    def capture(
        self, *, provider: Provider, reference: str, idempotency_key: str
    ) -> None:
        """Capture a Stripe PaymentIntent held for manual capture.

        Paystack captures at charge time: there is nothing to ask for.
        """
        if provider != Provider.STRIPE:
            return
        try:
            _stripe_client().v1.payment_intents.capture(
                reference, options={"idempotency_key": idempotency_key}
            )
        except (stripe.APIConnectionError, stripe.RateLimitError) as error:
            raise ProviderUnavailableError(
                "Stripe did not answer; retry shortly."
            ) from error

    def refund(
        self,
        *,
        provider: Provider,
        reference: str,
        amount: Decimal,
        idempotency_key: str,
    ) -> None:
        """Refund through Stripe's Refunds API or Paystack's /refund."""
        try:
            if provider == Provider.STRIPE:
                _stripe_client().v1.refunds.create(
                    params={"payment_intent": reference, "amount": _minor(amount)},
                    options={"idempotency_key": idempotency_key},
                )
                return
            response = httpx.post(
                f"{settings.PAYSTACK_API_BASE}/refund",
                json={"transaction": reference, "amount": _minor(amount)},
                headers={
                    "Authorization": f"Bearer {settings.PAYSTACK_SECRET_KEY}",
                    "Idempotency-Key": idempotency_key,
                },
                timeout=10,
            )
            response.raise_for_status()
        except (
            stripe.APIConnectionError,
            stripe.RateLimitError,
            httpx.HTTPError,
        ) as error:
            raise ProviderUnavailableError(
                "The provider did not answer; retry shortly."
            ) from error

    def cancel(
        self, *, provider: Provider, reference: str, idempotency_key: str
    ) -> None:
        """Cancel a Stripe PaymentIntent so it can no longer be paid.

        Paystack has no call to withdraw an initialized transaction: it is
        abandoned, and a charge that still arrives for it is refunded
        automatically. Stripe refuses to cancel an intent that already
        succeeded; that is not an error here, since its capture event is
        on its way and is what counts.
        """
        if provider != Provider.STRIPE:
            return
        try:
            _stripe_client().v1.payment_intents.cancel(
                reference, options={"idempotency_key": idempotency_key}
            )
        except (stripe.APIConnectionError, stripe.RateLimitError) as error:
            raise ProviderUnavailableError(
                "Stripe did not answer; retry shortly."
            ) from error
        except stripe.InvalidRequestError:
            logger.warning(
                "stripe refused to cancel a payment intent",
                extra={"reference": reference},
            )

    def _stripe(self, request: StartRequest) -> Started:
        try:
            intent = _stripe_client().v1.payment_intents.create(
                params={
                    "amount": _minor(request.amount),
                    "currency": request.currency.lower(),
                    "receipt_email": request.email,
                    "metadata": {"order_number": request.order_number},
                },
                options={"idempotency_key": request.idempotency_key},
            )
        except (stripe.APIConnectionError, stripe.RateLimitError) as error:
            raise ProviderUnavailableError(
                "Stripe did not answer; retry shortly."
            ) from error
        return Started(
            reference=str(intent.id), client_secret=str(intent.client_secret)
        )

    def _paystack(self, request: StartRequest) -> Started:
        reference = f"fs_{secrets.token_hex(12)}"
        try:
            response = httpx.post(
                f"{settings.PAYSTACK_API_BASE}/transaction/initialize",
                json={
                    "email": request.email,
                    "amount": _minor(request.amount),
                    "currency": request.currency,
                    "reference": reference,
                },
                headers={
                    "Authorization": f"Bearer {settings.PAYSTACK_SECRET_KEY}",
                    "Idempotency-Key": request.idempotency_key,
                },
                timeout=10,
            )
            response.raise_for_status()
        except httpx.HTTPError as error:
            raise ProviderUnavailableError(
                "Paystack did not answer; retry shortly."
            ) from error
        data = response.json()["data"]
        return Started(
            reference=str(data.get("reference") or reference),
            authorization_url=str(data["authorization_url"]),
        )


def _stripe_client() -> stripe.StripeClient:
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses={"api": settings.STRIPE_API_BASE},
        max_network_retries=2,
    )


def adapter() -> Adapter:
    """The adapter `settings.PAYMENTS_ADAPTER` names."""
    return (
        SimulatedAdapter()
        if settings.PAYMENTS_ADAPTER == "simulated"
        else LiveAdapter()
    )
