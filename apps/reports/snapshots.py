"""Report snapshots: asked for now, computed by an analytics job, kept."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.core.money import quantize_money
from apps.jobs.errors import PermanentJobError
from apps.jobs.outbox import job_enqueue
from apps.reports import report, tasks
from apps.reports.models import SalesReportSnapshot, SnapshotStatus


def report_generate(
    *,
    viewer: User,
    start: date,
    end: date,
    group_by: report.Grouping,
    currency: str | None = None,
    category_id: int | None = None,
) -> SalesReportSnapshot:
    """Queue a snapshot of the sales report; return it, PENDING.

    Raises:
        ReportError: as `sales_report` (checked now, not in the job).
    """
    code = report.report_validate(viewer, start, end, group_by, currency)
    with transaction.atomic():
        snapshot = SalesReportSnapshot.objects.create(
            requested_by=viewer,
            start=start,
            end=end,
            group_by=group_by,
            currency=code,
            category_id=category_id,
            created_at=timezone.now(),
        )
        job_enqueue(
            tasks.generate_sales_report,
            key=f"sales-report-snapshot:{snapshot.pk}",
            snapshot_id=snapshot.pk,
        )
    return snapshot


def snapshot_compute(*, snapshot_id: int) -> SnapshotStatus:
    """Compute a PENDING snapshot and store it; a READY one is left alone."""
    snapshot = SalesReportSnapshot.objects.select_related("requested_by").get(
        pk=snapshot_id
    )
    if snapshot.status != SnapshotStatus.PENDING:
        return SnapshotStatus(snapshot.status)
    try:
        result = report.sales_report(
            viewer=snapshot.requested_by,
            start=snapshot.start,
            end=snapshot.end,
            group_by=report.Grouping(snapshot.group_by),
            currency=snapshot.currency,
            category_id=snapshot.category_id,
        )
    except report.ReportError as error:  # e.g. the requester is no longer staff
        SalesReportSnapshot.objects.filter(pk=snapshot.pk).update(
            status=SnapshotStatus.FAILED,
            error=error.message[:200],
            finished_at=timezone.now(),
        )
        raise PermanentJobError(error.message) from error
    SalesReportSnapshot.objects.filter(
        pk=snapshot.pk, status=SnapshotStatus.PENDING
    ).update(
        status=SnapshotStatus.READY,
        result=_jsonable(asdict(result)),
        finished_at=timezone.now(),
    )
    return SnapshotStatus.READY


def snapshot_report(snapshot: SalesReportSnapshot) -> report.SalesReport | None:
    """The stored report of a READY snapshot, as the live report's structure."""
    if snapshot.status != SnapshotStatus.READY or snapshot.result is None:
        return None
    data = dict(snapshot.result)
    money = ("gross_revenue", "refunds", "net_revenue", "average_order_value")
    return report.SalesReport(
        start=date.fromisoformat(data["start"]),
        end=date.fromisoformat(data["end"]),
        group_by=report.Grouping(data["group_by"]),
        currency=data["currency"],
        category_id=data["category_id"],
        orders_count=data["orders_count"],
        units_sold=data["units_sold"],
        **{key: _money(data[key]) for key in money},
        series=[
            report.Bucket(
                bucket=date.fromisoformat(b["bucket"]),
                orders_count=b["orders_count"],
                gross_revenue=_money(b["gross_revenue"]),
                net_revenue=_money(b["net_revenue"]),
                units_sold=b["units_sold"],
            )
            for b in data["series"]
        ],
        top_products=[
            report.ProductSales(**{**p, "revenue": _money(p["revenue"])})
            for p in data["top_products"]
        ],
        top_variants=[
            report.VariantSales(**{**v, "revenue": _money(v["revenue"])})
            for v in data["top_variants"]
        ],
        top_categories=[
            report.CategorySales(**{**c, "revenue": _money(c["revenue"])})
            for c in data["top_categories"]
        ],
    )


def snapshot_csv(snapshot: SalesReportSnapshot) -> str:
    """The snapshot's series as CSV, one row per bucket, then the totals."""
    stored = snapshot_report(snapshot)
    if stored is None:
        msg = "The snapshot is not ready."
        raise ValueError(msg)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["bucket", "orders", "gross_revenue", "net_revenue", "units", "currency"]
    )
    for b in stored.series:
        writer.writerow(
            [
                b.bucket,
                b.orders_count,
                b.gross_revenue,
                b.net_revenue,
                b.units_sold,
                stored.currency,
            ]
        )
    writer.writerow(
        [
            "total",
            stored.orders_count,
            stored.gross_revenue,
            stored.net_revenue,
            stored.units_sold,
            stored.currency,
        ]
    )
    return out.getvalue()


def _money(stored: str) -> Decimal:
    # Snapshots stored before amounts were quantized may hold "80" or
    # "49.9000000000000" (SQLite's float sums): read them as two places too.
    return quantize_money(Decimal(stored))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    if isinstance(value, Decimal | date):
        return str(value)
    return value
