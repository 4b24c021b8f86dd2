"""Payment loaders: each batch is one selector call, one SQL query."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser

from apps.accounts.models import User
from apps.payments import selectors
from apps.payments.models import Payment
from schema.loaders.base import Loader

if TYPE_CHECKING:
    from collections.abc import Sequence

type Viewer = User | AnonymousUser


class PaymentByIdLoader(Loader[tuple[Viewer, int], Payment | None]):
    """Keys carry the viewer: a payment the viewer may not read loads as None."""

    async def batch_load_fn(
        self, keys: Sequence[tuple[Viewer, int]]
    ) -> list[Payment | None]:
        groups: dict[Viewer, list[int]] = {}
        for viewer, payment_id in keys:
            groups.setdefault(viewer, []).append(payment_id)
        found: dict[tuple[Viewer, int], Payment] = {}
        for viewer, ids in groups.items():
            rows = await selectors.apayments_by_ids(viewer=viewer, ids=ids)
            found.update({(viewer, pk): row for pk, row in rows.items()})
        return [found.get(key) for key in keys]


class PaymentByOrderIdLoader(Loader[int, Payment | None]):
    """An order's current payment; keys are orders the viewer may already read."""

    async def batch_load_fn(self, keys: Sequence[int]) -> list[Payment | None]:
        found = await selectors.apayments_current_by_order_ids(list(keys))
        return [found.get(key) for key in keys]
