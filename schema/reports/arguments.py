"""What both report entry points (salesReport, reportGenerate) are asked."""

from __future__ import annotations

import datetime
from typing import Annotated, Any

import strawberry
from strawberry import relay

from apps.accounts.models import User
from apps.reports import report
from schema.context import Info
from schema.core.errors import InputErrorCode, input_error
from schema.core.ids import decode_global_id
from schema.reports.types import ReportGroupingEnum

# Reports cover days in this window. Far wider than any shop's history, and
# far enough from datetime.date.max that bucketing by week or month cannot
# overflow (9999-12-31 answered OverflowError).
EARLIEST = datetime.date(2000, 1, 1)
LATEST = datetime.date(2099, 12, 31)
_WINDOW = f"From {EARLIEST.isoformat()} to {LATEST.isoformat()}."

From = Annotated[
    datetime.date,
    strawberry.argument(name="from", description=f"First day, inclusive. {_WINDOW}"),
]
To = Annotated[
    datetime.date, strawberry.argument(description=f"Last day, inclusive. {_WINDOW}")
]
GroupBy = Annotated[
    ReportGroupingEnum, strawberry.argument(description="How to bucket the series.")
]
Currency = Annotated[
    str | None,
    strawberry.argument(description="ISO 4217 code; the shop's currency by default."),
]
CategoryFilter = Annotated[
    relay.GlobalID | None,
    strawberry.argument(description="Only this category's sales."),
]


async def staff_viewer(info: Info) -> User:
    user = await info.context.auser()
    assert isinstance(user, User)  # IsStaff let only staff through
    return user


async def report_arguments(
    info: Info,
    *,
    start: datetime.date,
    end: datetime.date,
    group_by: ReportGroupingEnum,
    currency: str | None,
    category: relay.GlobalID | None,
) -> dict[str, Any]:
    """The service's keyword arguments for a report request.

    Raises:
        GraphQLError: BAD_USER_INPUT for a day outside EARLIEST..LATEST.
    """
    for name, day in (("from", start), ("to", end)):
        if not EARLIEST <= day <= LATEST:
            raise input_error(
                InputErrorCode.BAD_USER_INPUT, f"{name}: {_WINDOW}", field=name
            )
    return {
        "viewer": await staff_viewer(info),
        "start": start,
        "end": end,
        "group_by": report.Grouping(group_by.name),
        "currency": currency,
        "category_id": (
            decode_global_id(category, expected="Category", field="category")
            if category is not None
            else None
        ),
    }
