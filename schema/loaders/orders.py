"""Order loaders: each batch is one selector call, one SQL query."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser

from apps.accounts.models import User
from apps.orders import selectors
from apps.orders.rows import OrderLineRow, OrderRow, OrderStatusChangeRow
from schema.loaders.base import Loader

if TYPE_CHECKING:
    from collections.abc import Sequence

type Viewer = User | AnonymousUser


class OrderByIdLoader(Loader[tuple[Viewer, int], OrderRow | None]):
    """Keys carry the viewer: an order the viewer may not read loads as None."""

    async def batch_load_fn(
        self, keys: Sequence[tuple[Viewer, int]]
    ) -> list[OrderRow | None]:
        groups: dict[Viewer, list[int]] = {}
        for viewer, order_id in keys:
            groups.setdefault(viewer, []).append(order_id)
        found: dict[tuple[Viewer, int], OrderRow] = {}
        for viewer, ids in groups.items():
            rows = await selectors.aorders_by_ids(viewer=viewer, ids=ids)
            found.update({(viewer, pk): row for pk, row in rows.items()})
        return [found.get(key) for key in keys]


@dataclass(frozen=True, slots=True, kw_only=True)
class PricedLine:
    """An order line with its order's currency, which lines do not store."""

    row: OrderLineRow
    currency: str


class LinesByOrderIdLoader(Loader[tuple[int, str], list[PricedLine]]):
    """Keys are (order id, order currency)."""

    async def batch_load_fn(
        self, keys: Sequence[tuple[int, str]]
    ) -> list[list[PricedLine]]:
        found = await selectors.alines_by_order_ids([order_id for order_id, _ in keys])
        return [
            [PricedLine(row=row, currency=currency) for row in found.get(order_id, [])]
            for order_id, currency in keys
        ]


class StatusChangesByOrderIdLoader(Loader[int, list[OrderStatusChangeRow]]):
    async def batch_load_fn(
        self, keys: Sequence[int]
    ) -> list[list[OrderStatusChangeRow]]:
        found = await selectors.astatus_changes_by_order_ids(list(keys))
        return [found.get(key, []) for key in keys]
