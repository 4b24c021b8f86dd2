from __future__ import annotations

from typing import Annotated, cast

import strawberry
from strawberry import relay

from apps.core.errors import DomainError
from apps.orders import selectors
from schema.catalog.types import connection_of
from schema.context import Info
from schema.core.errors import from_domain
from schema.core.ids import decode_global_id
from schema.core.pagination import (
    ConnectionArguments,
    PageArguments,
)
from schema.core.permissions import IsAuthenticated, IsStaff
from schema.orders.inputs import OrderFilterInput
from schema.orders.types import (
    Order,
    OrderConnection,
    OrderStatusEnum,
    prefetch_order_relations,
)


@strawberry.type
class OrderQuery:
    @strawberry.field(
        description=(
            "An order by ID: the signed-in customer's own, or any for staff. Null "
            "when it does not exist or belongs to another customer."
        ),
        permission_classes=[IsAuthenticated],
    )
    async def order(
        self,
        info: Info,
        id: Annotated[relay.GlobalID, strawberry.argument(description="Order ID.")],
    ) -> Order | None:
        pk = decode_global_id(id, expected="Order", field="id")
        viewer = await info.context.auser()
        row = await info.context.loaders.order_by_id.load((viewer, pk))
        if row is not None:
            await prefetch_order_relations(info, [row])
        return row  # type: ignore[return-value]

    @strawberry.field(
        description="The signed-in customer's orders, newest first.",
        permission_classes=[IsAuthenticated],
        extensions=[ConnectionArguments()],
    )
    async def my_orders(
        self,
        info: Info,
        paging: PageArguments,
        status: Annotated[
            OrderStatusEnum | None,
            strawberry.argument(description="Only orders in this status."),
        ] = None,
    ) -> OrderConnection | None:
        scope = "my-orders"
        window = paging.window(scope=scope)
        try:
            page = await selectors.aorders_for_customer(
                viewer=await info.context.auser(),
                status=cast("str", status.value) if status is not None else None,
                window=window,
            )
        except DomainError as error:
            raise from_domain(error) from None
        await prefetch_order_relations(info, page.rows, "edges", "node")
        return connection_of(page, scope=scope, cls=OrderConnection)  # type: ignore[no-any-return]

    @strawberry.field(
        description="Every customer's orders, newest first; staff only.",
        permission_classes=[IsStaff],
        extensions=[ConnectionArguments()],
    )
    async def orders(
        self,
        info: Info,
        paging: PageArguments,
        filter: Annotated[
            OrderFilterInput | None,
            strawberry.argument(description="Conditions on orders."),
        ] = None,
    ) -> OrderConnection | None:
        scope = "orders"
        window = paging.window(scope=scope)
        filter = filter or OrderFilterInput()
        customer_id = (
            decode_global_id(filter.customer, expected="User", field="filter.customer")
            if filter.customer is not None
            else None
        )
        try:
            page = await selectors.aorders_list(
                viewer=await info.context.auser(),
                window=window,
                status=cast("str", filter.status.value) if filter.status else None,
                customer_id=customer_id,
                created_from=filter.created_from,
                created_before=filter.created_before,
            )
        except DomainError as error:
            raise from_domain(error) from None
        await prefetch_order_relations(info, page.rows, "edges", "node")
        return connection_of(page, scope=scope, cls=OrderConnection)  # type: ignore[no-any-return]
