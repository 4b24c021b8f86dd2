"""checkout(token) and orderByToken(token): what a token holder may read."""

from __future__ import annotations

from typing import Annotated

import strawberry
from asgiref.sync import sync_to_async

from apps.checkout import services
from apps.checkout.errors import CheckoutError as DomainCheckoutError
from apps.orders import selectors
from schema.checkout.types import Checkout
from schema.context import Info
from schema.orders.types import Order, prefetch_order_relations


@strawberry.type
class CheckoutQuery:
    @strawberry.field(
        description=(
            "A checkout by its token, priced now; null for an unknown token, a "
            "completed checkout or another customer's."
        )
    )
    async def checkout(
        self,
        info: Info,
        token: Annotated[
            strawberry.ID, strawberry.argument(description="The checkout's token.")
        ],
    ) -> Checkout | None:
        user = await info.context.auser()
        try:
            view = await sync_to_async(services.checkout_get)(
                token=str(token), viewer_id=user.pk if user.is_authenticated else None
            )
        except DomainCheckoutError:
            return None
        return Checkout.from_view(view)

    @strawberry.field(
        description=(
            "A guest's order by the token of the checkout it was placed from (the "
            "link in its emails carries it); null for anything else."
        )
    )
    async def order_by_token(
        self,
        info: Info,
        token: Annotated[
            strawberry.ID, strawberry.argument(description="The checkout's token.")
        ],
    ) -> Order | None:
        row = await selectors.aguest_order_by_token(str(token))
        if row is None:
            return None
        await prefetch_order_relations(info, [row], "orderByToken")
        return row  # type: ignore[return-value]
