"""reportGenerate, salesReportSnapshot and the CSV download."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from apps.reports.models import SalesReportSnapshot
from tests.factories.accounts import UserFactory
from tests.factories.catalog import stocked_variant
from tests.schema.test_reports import DAY_ONE, REPORT, _sell
from tests.support.graphql import post, token

pytestmark = pytest.mark.django_db

GENERATE = """
mutation ($from: Date!, $to: Date!, $groupBy: ReportGrouping!) {
  reportGenerate(from: $from, to: $to, groupBy: $groupBy) {
    snapshot { id status csvUrl }
    errors { field code message }
  }
}
"""
SNAPSHOT = """
query ($id: ID!) {
  salesReportSnapshot(id: $id) {
    id status error csvUrl
    report { ordersCount grossRevenue netRevenue series { bucket ordersCount grossRevenue } }
  }
}
"""
RANGE = {"from": "2026-05-04", "to": "2026-05-10", "groupBy": "DAY"}


@pytest.fixture
def staff_bearer() -> str:
    return token(UserFactory.create(staff=True))


def _generate(client, bearer, capture, **variables):
    with capture(execute=True):  # the analytics job runs once the mutation commits
        body = post(client, GENERATE, {**RANGE, **variables}, bearer=bearer)
    return body["data"]["reportGenerate"]


def test_a_snapshot_holds_the_same_report_as_the_live_query(
    gql_client, staff_bearer, django_capture_on_commit_callbacks
):
    for n in range(3):
        _sell(
            stocked_variant(on_hand=5),
            n + 1,
            DAY_ONE + timedelta(days=n),
            django_capture_on_commit_callbacks,
        )

    generated = _generate(gql_client, staff_bearer, django_capture_on_commit_callbacks)
    snapshot = post(
        gql_client, SNAPSHOT, {"id": generated["snapshot"]["id"]}, bearer=staff_bearer
    )
    live = post(gql_client, REPORT, {**RANGE, "currency": "USD"}, bearer=staff_bearer)

    stored = snapshot["data"]["salesReportSnapshot"]
    assert generated["errors"] == []
    assert stored["status"] == "READY"
    report, now = stored["report"], live["data"]["salesReport"]
    assert report["ordersCount"] == now["ordersCount"] == 3
    assert report["grossRevenue"] == now["grossRevenue"]
    assert report["series"] == [
        {k: b[k] for k in ("bucket", "ordersCount", "grossRevenue")}
        for b in now["series"]
    ]


def test_the_csv_download_is_for_staff_only(
    gql_client, client, staff_bearer, django_capture_on_commit_callbacks
):
    _sell(stocked_variant(on_hand=5), 2, DAY_ONE, django_capture_on_commit_callbacks)
    generated = _generate(gql_client, staff_bearer, django_capture_on_commit_callbacks)
    snapshot = post(
        gql_client, SNAPSHOT, {"id": generated["snapshot"]["id"]}, bearer=staff_bearer
    )
    url = snapshot["data"]["salesReportSnapshot"]["csvUrl"]

    staff = client.get(url, headers={"Authorization": f"Bearer {staff_bearer}"})
    customer = client.get(
        url, headers={"Authorization": f"Bearer {token(UserFactory.create())}"}
    )
    anonymous = client.get(url)

    assert (customer.status_code, anonymous.status_code) == (403, 403)
    assert staff.status_code == 200
    assert staff["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(staff.content.decode())))
    assert rows[0] == [
        "bucket",
        "orders",
        "gross_revenue",
        "net_revenue",
        "units",
        "currency",
    ]
    assert len(rows) == 1 + 7 + 1  # header, seven days, totals
    assert rows[1][:2] == ["2026-05-04", "1"]
    assert rows[-1][0:2] == ["total", "1"]


def test_a_pending_or_missing_snapshot_is_not_downloadable(client, staff_bearer):
    headers = {"Authorization": f"Bearer {staff_bearer}"}
    assert (
        client.get("/reports/snapshots/999999.csv", headers=headers).status_code == 404
    )
    user = UserFactory.create(staff=True)
    pending = SalesReportSnapshot.objects.create(
        requested_by=user,
        start=DAY_ONE.date(),
        end=DAY_ONE.date(),
        group_by="DAY",
        currency="USD",
        created_at=DAY_ONE,
    )
    assert (
        client.get(f"/reports/snapshots/{pending.pk}.csv", headers=headers).status_code
        == 409
    )


def test_a_senseless_request_is_refused_before_anything_is_queued(
    gql_client, staff_bearer, django_capture_on_commit_callbacks
):
    result = _generate(
        gql_client,
        staff_bearer,
        django_capture_on_commit_callbacks,
        **{"from": "2026-05-10", "to": "2026-05-01"},
    )

    assert [e["code"] for e in result["errors"]] == ["INVALID_RANGE"]
    assert not SalesReportSnapshot.objects.exists()


def test_customers_cannot_generate_reports(gql_client):
    body = post(gql_client, GENERATE, RANGE, bearer=token(UserFactory.create()))

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
