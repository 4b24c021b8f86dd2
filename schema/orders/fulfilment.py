"""How a shipped order travels: its carrier, tracking number and link."""

from __future__ import annotations

from datetime import datetime

import strawberry

from apps.orders import carriers
from apps.orders.rows import OrderRow


@strawberry.type(description="The shipment of a fulfilled order.")
class Fulfilment:
    tracking_number: str = strawberry.field(
        description="The carrier's tracking number: capital letters, digits, hyphens."
    )
    carrier: str = strawberry.field(
        description=(
            "Who carries it. Known carriers are spelled canonically: "
            + ", ".join(carriers.TRACKING_URLS)
            + "."
        )
    )
    fulfilled_at: datetime = strawberry.field(
        description="When it was handed to the carrier (UTC)."
    )

    @strawberry.field(
        description=(
            "The carrier's tracking page for this shipment; null for carriers "
            "without a known page."
        )
    )
    def tracking_url(self) -> str | None:
        return carriers.tracking_url(
            carrier=self.carrier, tracking_number=self.tracking_number
        )


def fulfilment_of(row: OrderRow) -> Fulfilment | None:
    """Return the order's shipment, or None until it is fulfilled."""
    if row.fulfilled_at is None:
        return None
    return Fulfilment(
        tracking_number=row.tracking_number,
        carrier=row.carrier,
        fulfilled_at=row.fulfilled_at,
    )
