from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from apps.reports import snapshots
from apps.reports.models import SalesReportSnapshot, SnapshotStatus
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def test_a_snapshot_stored_with_sqlite_float_sums_reads_as_two_places():
    bucket = {
        "bucket": "2026-05-04",
        "orders_count": 2,
        "gross_revenue": "129.900000000000",
        "net_revenue": "124.9",
        "units_sold": 2,
    }
    snapshot = SalesReportSnapshot.objects.create(
        requested_by=UserFactory.create(staff=True),
        start=date(2026, 5, 4),
        end=date(2026, 5, 4),
        group_by="DAY",
        currency="USD",
        status=SnapshotStatus.READY,
        created_at=datetime(2026, 5, 5, tzinfo=UTC),
        result={
            "start": "2026-05-04",
            "end": "2026-05-04",
            "group_by": "DAY",
            "currency": "USD",
            "category_id": None,
            "orders_count": 2,
            "units_sold": 2,
            "gross_revenue": "129.900000000000",
            "refunds": "5",
            "net_revenue": "124.900000000000",
            "average_order_value": "64.95",
            "series": [bucket],
            "top_products": [],
            "top_variants": [],
            "top_categories": [{"category_id": 1, "revenue": "80"}],
        },
    )

    stored = snapshots.snapshot_report(snapshot)
    csv = snapshots.snapshot_csv(snapshot)

    assert stored is not None
    assert [str(stored.gross_revenue), str(stored.refunds)] == ["129.90", "5.00"]
    assert str(stored.top_categories[0].revenue) == "80.00"
    assert csv.splitlines()[1:] == [
        "2026-05-04,2,129.90,124.90,2,USD",
        "total,2,129.90,124.90,2,USD",
    ]
