"""Staff reports."""

from __future__ import annotations

import datetime
from typing import Annotated

import strawberry
from asgiref.sync import sync_to_async
from strawberry import relay

from apps.accounts.models import User
from apps.core.errors import DomainError
from apps.reports import report
from schema.context import Info
from schema.core.errors import from_domain
from schema.core.ids import decode_global_id
from schema.core.permissions import IsStaff
from schema.reports.types import ReportGroupingEnum, SalesReport, report_from


@strawberry.type
class ReportQuery:
    @strawberry.field(
        description=(
            "Sales between two dates for staff, from daily roll-ups (costs the "
            "number of days, not of orders). At most two years; DAY grouping at "
            "most 366 days, WEEK 106 weeks, MONTH 25 months. Errors: FORBIDDEN, "
            "INVALID_RANGE, RANGE_TOO_LONG, TOO_MANY_BUCKETS, UNKNOWN_CURRENCY."
        ),
        permission_classes=[IsStaff],
    )
    async def sales_report(
        self,
        info: Info,
        from_: Annotated[
            datetime.date,
            strawberry.argument(name="from", description="First day, inclusive."),
        ],
        to: Annotated[
            datetime.date, strawberry.argument(description="Last day, inclusive.")
        ],
        group_by: Annotated[
            ReportGroupingEnum,
            strawberry.argument(description="How to bucket the series."),
        ],
        currency: Annotated[
            str | None,
            strawberry.argument(
                description="ISO 4217 code; the shop's currency by default."
            ),
        ] = None,
        category: Annotated[
            relay.GlobalID | None,
            strawberry.argument(description="Only this category's sales."),
        ] = None,
    ) -> SalesReport:
        user = await info.context.auser()
        assert isinstance(user, User)  # IsStaff let only staff through
        category_id = (
            decode_global_id(category, expected="Category", field="category")
            if category is not None
            else None
        )
        try:
            result = await sync_to_async(report.sales_report)(
                viewer=user,
                start=from_,
                end=to,
                group_by=report.Grouping(group_by.name),
                currency=currency,
                category_id=category_id,
            )
        except DomainError as error:
            raise from_domain(error) from None
        return report_from(result)
