"""What every payment provider module offers, and the values they share.

A provider is one module (stripe.py, paystack.py) holding everything that
differs between providers: how its webhooks are signed and read, how a
payment is started, captured, refunded and cancelled over its API, and how
the simulator plays it. The rest of the payments app talks to this protocol
only; a new provider is one module plus a registry entry in __init__.py.

Amounts cross the wire in minor units (cents, kobo): every currency sold in
has two decimal places.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

from apps.core.money import CURRENCIES
from apps.payments.errors import PayloadError
from apps.payments.models import Provider

if TYPE_CHECKING:
    from collections.abc import Mapping

    from apps.payments.models import Payment


class Action(StrEnum):
    AUTHORIZED = "AUTHORIZED"
    CAPTURED = "CAPTURED"
    FAILED = "FAILED"
    REFUNDED = "REFUNDED"  # `amount` is the cumulative refunded total
    REFUND = "REFUND"  # `amount` is this one refund (Paystack)
    IGNORED = "IGNORED"


@dataclass(frozen=True, slots=True, kw_only=True)
class ProviderEvent:
    """A provider event read into one shape: which payment, what happened."""

    provider: Provider
    event_id: str
    event_type: str
    action: Action
    reference: str = ""
    amount: Decimal | None = None
    currency: str = ""
    transaction_id: str = ""


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


class Gateway(Protocol):
    """The calls that move money at a provider, each once per idempotency key."""

    def start(self, request: StartRequest) -> Started:
        """Create the provider's payment for `request`."""

    def capture(self, *, reference: str, idempotency_key: str) -> None:
        """Ask the provider to capture an authorized payment."""

    def refund(self, *, reference: str, amount: Decimal, idempotency_key: str) -> None:
        """Ask the provider to refund `amount` of a captured payment."""

    def cancel(self, *, reference: str, idempotency_key: str) -> None:
        """Ask the provider to drop a payment not yet captured."""


class PaymentProvider(Gateway, Protocol):
    """One provider: its webhooks, its API, and how the simulator plays it."""

    provider: Provider
    # The header its webhooks carry their signature in.
    signature_header: str
    # What a developer asks the simulator for -> this provider's event type.
    outcomes: Mapping[str, str]

    def verify(self, body: bytes, header: str | None) -> None:
        """Accept `body` only if provably sent by the provider.

        Raises:
            SignatureError: missing, malformed, wrong or stale signature.
        """

    def parse(self, payload: Any) -> ProviderEvent:
        """Read a verified event body.

        Raises:
            PayloadError: not an event, or a handled type without its fields.
        """

    def name(self, payload: Any) -> ProviderEvent:
        """Only the event's id and type (IGNORED), for a body `parse` refused.

        Raises:
            PayloadError: not even an id and a type.
        """

    def webhook_secret(self) -> str:
        """The secret the simulator signs with (empty when none is configured)."""

    def sign(
        self, body: bytes, secret: str, *, timestamp: int | None = None
    ) -> dict[str, str]:
        """The signature header the provider would send with `body` (at `timestamp`)."""

    def simulated_start(self, request: StartRequest) -> Started:
        """A made-up payment, as the provider would answer `start`."""

    def simulated_payload(
        self, event_type: str, payment: Payment, *, amount: Decimal | None = None
    ) -> dict[str, Any]:
        """An event of `event_type` about `payment`, shaped as the provider's."""


def minor_units(amount: Decimal) -> int:
    """`amount` in minor units (two decimal places in every currency sold)."""
    return int(amount * 100)


def from_minor(value: Any, field: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise PayloadError(f"{field} must be a non-negative integer of minor units.")
    return Decimal(value) / 100


def currency(value: Any) -> str:
    code = str(value or "").upper()
    if code not in CURRENCIES:
        raise PayloadError(f"Unsupported currency {value!r}.")
    return code


def text(value: Any, field: str, *, max_length: int = 200) -> str:
    if not isinstance(value, str) or not value or len(value) > max_length:
        raise PayloadError(f"{field} must be a non-empty string.")
    if "\x00" in value:
        raise PayloadError(f"{field} contains a NUL character.")
    return value


def mapping(value: Any, field: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise PayloadError(f"{field} must be an object.")
    return value


def named(provider: Provider, event_id: Any, event_type: Any) -> ProviderEvent:
    """An IGNORED event of this id and type, cut to what is stored."""
    if not isinstance(event_id, str) or not isinstance(event_type, str):
        raise PayloadError("The event has no id or type.")
    return ProviderEvent(
        provider=provider,
        event_id=event_id[:200],
        event_type=event_type[:100],
        action=Action.IGNORED,
    )
