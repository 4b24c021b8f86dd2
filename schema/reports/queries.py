"""Staff reports."""

from __future__ import annotations

import strawberry
from asgiref.sync import sync_to_async

from apps.core.errors import DomainError
from apps.reports import report
from schema.context import Info
from schema.core.errors import from_domain
from schema.core.permissions import IsStaff
from schema.reports.arguments import (
    CategoryFilter,
    Currency,
    From,
    GroupBy,
    To,
    report_arguments,
)
from schema.reports.types import SalesReport, report_from


@strawberry.type
class ReportQuery:
    @strawberry.field(
        description=(
            "Sales between two dates for staff, from daily roll-ups (costs the "
            "number of days, not of orders). At most two years; DAY grouping at "
            f"most {report.MAX_BUCKETS['DAY']} days, WEEK "
            f"{report.MAX_BUCKETS['WEEK']} weeks, MONTH "
            f"{report.MAX_BUCKETS['MONTH']} months. Errors: FORBIDDEN, "
            "INVALID_RANGE, RANGE_TOO_LONG, TOO_MANY_BUCKETS, UNKNOWN_CURRENCY."
        ),
        permission_classes=[IsStaff],
    )
    async def sales_report(
        self,
        info: Info,
        from_: From,
        to: To,
        group_by: GroupBy,
        currency: Currency = None,
        category: CategoryFilter = None,
    ) -> SalesReport | None:
        arguments = await report_arguments(
            info,
            start=from_,
            end=to,
            group_by=group_by,
            currency=currency,
            category=category,
        )
        try:
            result = await sync_to_async(report.sales_report)(**arguments)
        except DomainError as error:
            raise from_domain(error) from None
        return report_from(result)
