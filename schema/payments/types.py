"""Payment types: what a frontend needs to take the customer to the provider."""

from __future__ import annotations

from decimal import Decimal
from enum import Enum
from typing import Any

import strawberry
from strawberry import relay

from apps.core.idempotency import IdempotencyErrorCode
from apps.payments.errors import PaymentErrorCode
from apps.payments.models import Payment as PaymentModel
from apps.payments.models import PaymentStatus as PaymentStatusModel
from apps.payments.models import Provider
from schema.context import Info
from schema.core.error_codes import error_code_enum
from schema.core.ids import parse_pk
from schema.core.money import Money
from schema.core.user_errors import UserError


@strawberry.enum(name="PaymentProvider", description="A payment provider.")
class PaymentProviderEnum(Enum):
    STRIPE = strawberry.enum_value(
        Provider.STRIPE.value, description="Stripe: card payments via PaymentIntents."
    )
    PAYSTACK = strawberry.enum_value(
        Provider.PAYSTACK.value, description="Paystack: payments via its checkout page."
    )


@strawberry.enum(name="PaymentStatus", description="Where a payment stands.")
class PaymentStatusEnum(Enum):
    PENDING = strawberry.enum_value(
        PaymentStatusModel.PENDING.value,
        description="Started; the customer has not paid yet.",
    )
    AUTHORIZED = strawberry.enum_value(
        PaymentStatusModel.AUTHORIZED.value, description="Authorized, not yet captured."
    )
    CAPTURED = strawberry.enum_value(
        PaymentStatusModel.CAPTURED.value, description="Collected; the order is paid."
    )
    FAILED = strawberry.enum_value(
        PaymentStatusModel.FAILED.value,
        description="The attempt failed; the customer may try again.",
    )
    PARTIALLY_REFUNDED = strawberry.enum_value(
        PaymentStatusModel.PARTIALLY_REFUNDED.value,
        description="Collected, then part of it refunded.",
    )
    REFUNDED = strawberry.enum_value(
        PaymentStatusModel.REFUNDED.value,
        description="Collected, then refunded in full.",
    )
    CANCELLED = strawberry.enum_value(
        PaymentStatusModel.CANCELLED.value,
        description=(
            "Closed before it was paid, because another payment of the order "
            "was started."
        ),
    )


@error_code_enum(
    PaymentErrorCode,
    IdempotencyErrorCode,
    name="PaymentErrorCodeEnum",
    description="Why paymentInitialize did not start a payment.",
    # Webhook and refund codes: no payment mutation raises them.
    exclude={
        PaymentErrorCode.INVALID_SIGNATURE,
        PaymentErrorCode.INVALID_PAYLOAD,
        PaymentErrorCode.PAYMENT_NOT_FOUND,
    },
)
class PaymentErrorCodeEnum(Enum):
    pass


@strawberry.type(description="Why a payment mutation did not do what was asked.")
class PaymentError(UserError[PaymentErrorCodeEnum]):
    pass


@strawberry.type(
    description=(
        "A payment of an order through a provider. Visible to the order's "
        "customer and to staff; to anyone else it does not exist."
    )
)
class Payment(relay.Node):
    id: relay.NodeID[int]
    provider: PaymentProviderEnum = strawberry.field(description="Who collects it.")
    reference: str = strawberry.field(
        description="The provider's id for it (Stripe PaymentIntent, Paystack reference)."
    )
    status: PaymentStatusEnum = strawberry.field(description="Where it stands.")
    amount: Money = strawberry.field(description="What it collects.")
    client_secret: str | None = strawberry.field(
        description="Stripe: pass to Stripe.js `confirmPayment`. Null for Paystack."
    )
    authorization_url: str | None = strawberry.field(
        description="Paystack: send the customer here to pay. Null for Stripe."
    )

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Any, required: bool = False
    ) -> list[Any]:
        viewer = await info.context.auser()
        loader = info.context.loaders.payment_by_id
        pks = [parse_pk(node_id) for node_id in node_ids]
        rows = await loader.load_many([(viewer, pk) for pk in pks if pk is not None])
        found = {row.pk: row for row in rows if row is not None}
        nodes = [
            payment_from(found[pk]) if pk is not None and pk in found else None
            for pk in pks
        ]
        if required and any(node is None for node in nodes):
            msg = "Some of the requested objects do not exist."
            raise ValueError(msg)
        return nodes


def payment_from(payment: PaymentModel) -> Payment:
    return Payment(
        id=payment.pk,
        provider=PaymentProviderEnum(payment.provider),
        reference=payment.reference,
        status=PaymentStatusEnum(payment.status),
        amount=Money(amount=Decimal(payment.amount), currency=payment.currency),
        client_secret=payment.client_secret or None,
        authorization_url=payment.authorization_url or None,
    )
