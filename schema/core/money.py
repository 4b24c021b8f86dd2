from __future__ import annotations

from decimal import Decimal

import strawberry


@strawberry.type(description="An amount of money in one currency.")
class Money:
    amount: Decimal = strawberry.field(
        description="Amount in major units (e.g. dollars), as a decimal string with 2 places."
    )
    currency: str = strawberry.field(description="ISO 4217 currency code, e.g. `USD`.")
