"""Report snapshots: reportGenerate and salesReportSnapshot."""

from __future__ import annotations

import datetime
from enum import Enum
from typing import Annotated

import strawberry
from asgiref.sync import sync_to_async
from strawberry import relay

from apps.core.errors import DomainError
from apps.reports import report, snapshots
from apps.reports.errors import ReportErrorCode
from apps.reports.models import SalesReportSnapshot as SnapshotModel
from schema.context import Info
from schema.core.error_codes import error_code_enum
from schema.core.errors import from_domain
from schema.core.ids import decode_global_id
from schema.core.permissions import IsStaff
from schema.core.user_errors import UserError, user_error_from
from schema.reports.arguments import (
    CategoryFilter,
    Currency,
    From,
    GroupBy,
    To,
    report_arguments,
    staff_viewer,
)
from schema.reports.types import SalesReport, report_from


@strawberry.enum(name="SnapshotStatus", description="Where a report snapshot stands.")
class SnapshotStatusEnum(Enum):
    PENDING = strawberry.enum_value("PENDING", description="Queued or being computed.")
    READY = strawberry.enum_value("READY", description="Computed; `report` holds it.")
    FAILED = strawberry.enum_value(
        "FAILED", description="Could not be computed; see `error`."
    )


@error_code_enum(
    ReportErrorCode,
    name="ReportErrorCode",
    description="Why a report cannot be made.",
)
class ReportErrorCodeEnum(Enum):
    pass


@strawberry.type(description="Why reportGenerate did not queue a report.")
class ReportError(UserError[ReportErrorCodeEnum]):
    pass


@strawberry.type(description="A sales report computed in the background and kept.")
class SalesReportSnapshot:
    id: strawberry.ID = strawberry.field(description="Global ID of the snapshot.")
    status: SnapshotStatusEnum = strawberry.field(description="Where it stands.")
    created_at: datetime.datetime = strawberry.field(
        description="When it was asked for."
    )
    finished_at: datetime.datetime | None = strawberry.field(
        description="When it was computed; null while pending."
    )
    error: str | None = strawberry.field(description="Why it failed, if it did.")
    report: SalesReport | None = strawberry.field(
        description="The report, with the same structure as salesReport; null until READY."
    )
    csv_url: str | None = strawberry.field(
        description="Staff-only CSV download of the series and totals; null until READY."
    )


def snapshot_from(snapshot: SnapshotModel) -> SalesReportSnapshot:
    stored = snapshots.snapshot_report(snapshot)
    return SalesReportSnapshot(
        id=strawberry.ID(relay.to_base64("SalesReportSnapshot", snapshot.pk)),
        status=SnapshotStatusEnum(snapshot.status),
        created_at=snapshot.created_at,
        finished_at=snapshot.finished_at,
        error=snapshot.error or None,
        report=report_from(stored) if stored else None,
        csv_url=f"/reports/snapshots/{snapshot.pk}.csv" if stored else None,
    )


@strawberry.type(description="The result of reportGenerate.")
class ReportGeneratePayload:
    snapshot: SalesReportSnapshot | None = strawberry.field(
        default=None, description="The queued snapshot; null when errors is not empty."
    )
    errors: list[ReportError] = strawberry.field(
        default_factory=list, description="Empty when the mutation succeeded."
    )


@strawberry.type
class ReportSnapshotQuery:
    @strawberry.field(
        description="A report snapshot by ID; staff only. Null if there is none.",
        permission_classes=[IsStaff],
    )
    async def sales_report_snapshot(
        self,
        info: Info,
        id: Annotated[
            strawberry.ID, strawberry.argument(description="The snapshot's ID.")
        ],
    ) -> SalesReportSnapshot | None:
        await staff_viewer(info)
        pk = decode_global_id(id, expected="SalesReportSnapshot", field="id")
        snapshot = await SnapshotModel.objects.filter(pk=pk).afirst()
        return snapshot_from(snapshot) if snapshot else None


@strawberry.type
class ReportMutation:
    @strawberry.mutation(
        description=(
            "Queue a sales report on the analytics queue (staff only); poll "
            "salesReportSnapshot with the returned ID until it is READY."
        ),
        permission_classes=[IsStaff],
    )
    async def report_generate(
        self,
        info: Info,
        from_: From,
        to: To,
        group_by: GroupBy,
        currency: Currency = None,
        category: CategoryFilter = None,
    ) -> ReportGeneratePayload | None:
        arguments = await report_arguments(
            info,
            start=from_,
            end=to,
            group_by=group_by,
            currency=currency,
            category=category,
        )
        try:
            snapshot = await sync_to_async(snapshots.report_generate)(**arguments)
        except DomainError as error:
            if not isinstance(error, report.ReportError):
                raise from_domain(error) from None
            return ReportGeneratePayload(
                errors=[
                    user_error_from(
                        error, error_type=ReportError, codes=ReportErrorCodeEnum
                    )
                ]
            )
        return ReportGeneratePayload(snapshot=snapshot_from(snapshot))
