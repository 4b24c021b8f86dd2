"""The providers simulated: payments made up locally, their events genuinely signed.

`PAYMENTS_ADAPTER=simulated` (the default while DEBUG is on) starts payments
without any network: each provider module makes up its references and
secrets, and nothing is called to capture, refund or cancel. The provider's
side comes from `delivery`: its signed webhook for an outcome, which
`manage.py payment_simulate` and the simulated checkout page post to this
server, so the whole flow works offline. Bodies follow the providers'
documented event shapes, limited to the fields read plus their ids.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from apps.payments import providers
from apps.payments.models import Payment, Provider
from apps.payments.providers.base import PaymentProvider, Started, StartRequest


class Simulated:
    """A provider's gateway with no network: made-up starts, nothing else."""

    def __init__(self, provider: PaymentProvider) -> None:
        self._provider = provider

    def start(self, request: StartRequest) -> Started:
        return self._provider.simulated_start(request)

    def capture(self, *, reference: str, idempotency_key: str) -> None:
        """Nothing to call: `payment_simulate REF succeeded` plays the answer."""

    def refund(self, *, reference: str, amount: Decimal, idempotency_key: str) -> None:
        """Nothing to call: `payment_simulate REF refunded` plays the answer."""

    def cancel(self, *, reference: str, idempotency_key: str) -> None:
        """Nothing to call: a simulated payment is only a row here."""


def outcomes() -> list[str]:
    """Every outcome some provider has an event for."""
    found = {name for p in providers.REGISTRY.values() for name in p.outcomes}
    return sorted(found)


def outcomes_of(provider: Provider) -> list[str]:
    """The outcomes `provider` has an event for, in its order."""
    return list(providers.get(provider).outcomes)


def signed(
    provider: Provider,
    payload: dict[str, Any] | str,
    *,
    secret: str,
    timestamp: int | None = None,
) -> tuple[bytes, dict[str, str]]:
    """The body and signature header the provider would send."""
    body = (payload if isinstance(payload, str) else json.dumps(payload)).encode()
    return body, providers.get(provider).sign(body, secret, timestamp=timestamp)


class SimulationError(ValueError):
    """The simulated provider cannot send this event (a message for the developer)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Delivery:
    """A provider's signed webhook, ready to post to this server."""

    event_type: str
    path: str
    body: bytes
    headers: dict[str, str]


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
    provider = providers.get(Provider(payment.provider))
    event_type = provider.outcomes.get(outcome)
    if event_type is None:
        msg = f"{provider.provider} sends no {outcome!r} event."
        raise SimulationError(msg)
    secret = provider.webhook_secret()
    if not secret:
        msg = f"No {provider.provider} webhook secret is configured."
        raise SimulationError(msg)
    payload = provider.simulated_payload(event_type, payment, amount=amount)
    body, headers = signed(provider.provider, payload, secret=secret)
    return Delivery(
        event_type=event_type,
        path=f"/webhooks/{provider.provider}/",
        body=body,
        headers={**headers, "Content-Type": "application/json"},
    )
