"""Report money is a two-place decimal string on every database (issue 9, defect 4).

SQLite sums decimals as floats, so its raw aggregates read "49.9000000000000"
or "80"; PostgreSQL's read "49.90" and "80.00". Both must reach clients as
the latter: in salesReport, in a snapshot's report and in the CSV.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from tests.factories.accounts import UserFactory
from tests.factories.catalog import ProductFactory, stocked_variant
from tests.schema.test_report_snapshots import GENERATE
from tests.schema.test_reports import DAY_ONE, _sell
from tests.support.graphql import post, token

pytestmark = pytest.mark.django_db

TWO_PLACES = re.compile(r"^-?\d+\.\d\d$")
MONEY = """
grossRevenue refunds netRevenue averageOrderValue
series { grossRevenue netRevenue }
topProducts { revenue } topVariants { revenue } topCategories { revenue }
"""
LIVE = f"""
query ($from: Date!, $to: Date!) {{
  salesReport(from: $from, to: $to, groupBy: DAY, currency: "USD") {{ {MONEY} }}
}}
"""
SNAPSHOT = f"""
query ($id: ID!) {{
  salesReportSnapshot(id: $id) {{ csvUrl report {{ {MONEY} }} }}
}}
"""
RANGE = {"from": "2026-05-04", "to": "2026-05-06"}


def _amounts(report: dict[str, Any]) -> list[str]:
    """Every money string of a report, wherever it sits."""
    found = [report[k] for k in ("grossRevenue", "refunds", "netRevenue")]
    found.append(report["averageOrderValue"])
    found += [b[k] for b in report["series"] for k in ("grossRevenue", "netRevenue")]
    for tops in ("topProducts", "topVariants", "topCategories"):
        found += [row["revenue"] for row in report[tops]]
    return found


@pytest.fixture
def staff() -> str:
    return token(UserFactory.create(staff=True))


@pytest.fixture
def sales(settings, django_capture_on_commit_callbacks):
    """A 49.90 dress refunded 5.00 in part, and an 80.00 pair of shoes."""
    settings.SHOP_TIME_ZONE = "UTC"
    dress = ProductFactory.create(name="Dress", base_price="49.90")
    shoes = ProductFactory.create(name="Derby", base_price="80.00")
    return [
        _sell(
            stocked_variant(on_hand=5, product=dress),
            1,
            DAY_ONE,
            django_capture_on_commit_callbacks,
            refund=Decimal("5.00"),
        ),
        _sell(
            stocked_variant(on_hand=5, product=shoes),
            1,
            DAY_ONE + timedelta(days=1),
            django_capture_on_commit_callbacks,
        ),
    ]


def test_every_live_report_amount_has_exactly_two_places(gql_client, staff, sales):
    report = post(gql_client, LIVE, RANGE, bearer=staff)["data"]["salesReport"]

    amounts = _amounts(report)
    assert [a for a in amounts if not TWO_PLACES.match(a)] == []
    gross = sum((payment.amount for payment in sales), Decimal(0))
    assert report["grossRevenue"] == str(gross)
    assert report["series"][2]["grossRevenue"] == "0.00"


def test_every_snapshot_and_csv_amount_has_exactly_two_places(
    gql_client, client, staff, sales, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        generated = post(
            gql_client, GENERATE, {**RANGE, "groupBy": "DAY"}, bearer=staff
        )["data"]["reportGenerate"]
    stored = post(
        gql_client, SNAPSHOT, {"id": generated["snapshot"]["id"]}, bearer=staff
    )["data"]["salesReportSnapshot"]
    download = client.get(
        stored["csvUrl"], headers={"Authorization": f"Bearer {staff}"}
    )

    assert [a for a in _amounts(stored["report"]) if not TWO_PLACES.match(a)] == []
    rows = list(csv.DictReader(io.StringIO(download.content.decode())))
    csv_amounts = [row[k] for row in rows for k in ("gross_revenue", "net_revenue")]
    assert [a for a in csv_amounts if not TWO_PLACES.match(a)] == []
    assert rows[-1]["gross_revenue"] == stored["report"]["grossRevenue"]
