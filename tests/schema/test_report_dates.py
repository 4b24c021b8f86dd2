"""Report dates outside 2000-01-01..2099-12-31 are refused before any work."""

from __future__ import annotations

import pytest

from apps.reports.models import SalesReportSnapshot
from tests.factories.accounts import UserFactory
from tests.schema.test_report_snapshots import GENERATE
from tests.schema.test_reports import REPORT
from tests.support.graphql import post, token

pytestmark = pytest.mark.django_db

OUT_OF_RANGE = [
    pytest.param("9999-12-01", "9999-12-31", "from", id="year_9999_case"),
    pytest.param("2026-05-01", "2100-01-01", "to", id="to_past_the_window_case"),
    pytest.param("1999-12-31", "2000-01-01", "from", id="from_before_the_window_case"),
]
MESSAGE = "From 2000-01-01 to 2099-12-31."


@pytest.fixture
def staff() -> str:
    return token(UserFactory.create(staff=True))


@pytest.mark.parametrize(("start", "end", "field"), OUT_OF_RANGE)
@pytest.mark.parametrize("group_by", ["DAY", "WEEK", "MONTH"])
def test_sales_report_outside_the_window_is_a_typed_error(
    gql_client, staff, caplog, start, end, field, group_by
):
    # The audit's case (9999-12-01..9999-12-31) answered OverflowError.
    body = post(
        gql_client,
        REPORT,
        {"from": start, "to": end, "groupBy": group_by},
        bearer=staff,
    )

    assert body["data"] == {"salesReport": None}
    (error,) = body["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": field}
    assert error["message"] == f"{field}: {MESSAGE}"
    assert not [record for record in caplog.records if record.levelname == "ERROR"]


@pytest.mark.parametrize(("start", "end", "field"), OUT_OF_RANGE)
def test_report_generate_outside_the_window_queues_nothing(
    gql_client, staff, start, end, field
):
    body = post(
        gql_client,
        GENERATE,
        {"from": start, "to": end, "groupBy": "MONTH"},
        bearer=staff,
    )

    assert body["data"] == {"reportGenerate": None}
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": field}
    assert not SalesReportSnapshot.objects.exists()


def test_the_last_days_of_the_window_are_a_report(gql_client, staff):
    body = post(
        gql_client,
        REPORT,
        {"from": "2099-12-01", "to": "2099-12-31", "groupBy": "WEEK"},
        bearer=staff,
    )

    assert "errors" not in body
    assert body["data"]["salesReport"]["ordersCount"] == 0
