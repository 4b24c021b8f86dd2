"""Payment mutations: convert, call one service, map its DomainError."""

from __future__ import annotations

from typing import Annotated

import strawberry
from asgiref.sync import sync_to_async
from strawberry import relay

from apps.core.errors import DomainError
from apps.payments import services
from apps.payments.models import Provider
from schema.context import Info
from schema.core.ids import decode_global_id
from schema.core.permissions import IsAuthenticatedOrHoldsToken
from schema.core.user_errors import user_error_from
from schema.payments.types import (
    Payment,
    PaymentError,
    PaymentErrorCodeEnum,
    PaymentProviderEnum,
    payment_from,
)


@strawberry.type(description="The result of paymentInitialize.")
class PaymentInitializePayload:
    payment: Payment | None = strawberry.field(
        default=None,
        description="The payment to complete; null when errors is not empty.",
    )
    errors: list[PaymentError] = strawberry.field(
        default_factory=list, description="Empty when the mutation succeeded."
    )


@strawberry.type
class PaymentMutation:
    @strawberry.mutation(
        description=(
            "Start paying an unpaid order (the customer's own; staff any) for its "
            "total: returns the payment with Stripe's clientSecret or Paystack's "
            "authorizationUrl. The order becomes PAID when the provider's webhook "
            "reports the capture. Calling it again returns the same open payment. "
            "A guest pays their order with its token (the checkout's), unsigned."
        ),
        permission_classes=[IsAuthenticatedOrHoldsToken],
    )
    async def payment_initialize(
        self,
        info: Info,
        order_id: Annotated[
            relay.GlobalID, strawberry.argument(description="The order to pay.")
        ],
        provider: Annotated[
            PaymentProviderEnum, strawberry.argument(description="Who collects it.")
        ],
        idempotency_key: Annotated[
            str | None,
            strawberry.argument(
                description="Optional, 1 to 255 characters; makes retries safe."
            ),
        ] = None,
        token: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="A guest order's token (its checkout's), for guests."
            ),
        ] = None,
    ) -> PaymentInitializePayload | None:
        user = await info.context.auser()
        order_pk = decode_global_id(order_id, expected="Order", field="orderId")
        try:
            payment = await sync_to_async(services.payment_initialize)(
                order_id=order_pk,
                provider=Provider(provider.name.lower()),
                actor_id=user.pk if user.is_authenticated else None,
                idempotency_key=idempotency_key,
                order_token=str(token) if token else None,
            )
        except DomainError as error:
            return PaymentInitializePayload(
                errors=[
                    user_error_from(
                        error, error_type=PaymentError, codes=PaymentErrorCodeEnum
                    )
                ]
            )
        return PaymentInitializePayload(payment=payment_from(payment))
