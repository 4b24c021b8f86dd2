"""The CSV download's OpenAPI operation says what the endpoint answers (defect 7).

Every status the endpoint answers is documented, with the media type it
really sends, and each real body validates against its documented schema.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.utils import timezone
from jsonschema import Draft202012Validator

from apps.reports import snapshots
from apps.reports.models import SalesReportSnapshot
from tests.factories.accounts import UserFactory
from tests.support.graphql import token

pytestmark = pytest.mark.django_db

PATH = "/reports/snapshots/{snapshot_id}.csv"


@pytest.fixture
def operation(client) -> tuple[dict[str, Any], dict[str, Any]]:
    document = client.get("/openapi.json").json()
    return document["paths"][PATH]["get"], document["components"]


@pytest.fixture
def staff():
    user = UserFactory.create(staff=True)
    return user, {"Authorization": f"Bearer {token(user)}"}


def _snapshot(user) -> SalesReportSnapshot:
    return SalesReportSnapshot.objects.create(
        requested_by=user,
        start=date(2026, 5, 4),
        end=date(2026, 5, 10),
        group_by="DAY",
        currency="USD",
        created_at=timezone.now(),
    )


def _ready(user) -> SalesReportSnapshot:
    snapshot = _snapshot(user)
    snapshots.snapshot_compute(snapshot_id=snapshot.pk)
    return snapshot


def assert_documented(
    status: int, content_type: str, content: bytes, operation
) -> None:
    """A response's status, media type and body are as the document says."""
    spec, components = operation
    documented = spec["responses"].get(str(status))
    assert documented is not None, f"{status} is not documented"
    media = content_type.split(";")[0].strip()
    assert list(documented["content"]) == [media]
    schema = documented["content"][media]["schema"]
    body = content.decode() if media == "text/csv" else json.loads(content)
    # Refs point at #/components/...: resolve them against the document's.
    Draft202012Validator({**schema, "components": components}).validate(body)


def _assert_documented(response, operation) -> None:
    assert_documented(
        response.status_code, response["Content-Type"], response.content, operation
    )


def test_the_operation_documents_every_status_it_answers(operation):
    responses = operation[0]["responses"]
    assert set(responses) == {"200", "403", "404", "409", "422", "503"}
    assert "Retry-After" in responses["503"]["headers"]


def test_the_download_is_documented_as_csv_not_json(client, operation, staff):
    user, headers = staff
    response = client.get(f"/reports/snapshots/{_ready(user).pk}.csv", headers=headers)

    assert response.status_code == 200
    assert list(operation[0]["responses"]["200"]["content"]) == ["text/csv"]
    _assert_documented(response, operation)


def test_a_refusal_to_anyone_but_staff_is_as_documented(client, operation, staff):
    user, _ = staff
    response = client.get(f"/reports/snapshots/{_ready(user).pk}.csv")

    assert response.status_code == 403
    _assert_documented(response, operation)


def test_a_missing_snapshot_is_as_documented(client, operation, staff):
    response = client.get("/reports/snapshots/999999.csv", headers=staff[1])

    assert response.status_code == 404
    _assert_documented(response, operation)


def test_a_snapshot_not_yet_ready_is_as_documented(client, operation, staff):
    user, headers = staff
    response = client.get(
        f"/reports/snapshots/{_snapshot(user).pk}.csv", headers=headers
    )

    assert response.status_code == 409
    _assert_documented(response, operation)


@pytest.mark.parametrize("snapshot_id", ["abc", "1.5"])
def test_an_id_that_is_not_an_integer_is_as_documented(
    client, operation, staff, snapshot_id
):
    response = client.get(f"/reports/snapshots/{snapshot_id}.csv", headers=staff[1])

    assert response.status_code == 422
    _assert_documented(response, operation)


def test_an_id_too_large_for_the_database_is_a_documented_404(client, operation, staff):
    response = client.get(f"/reports/snapshots/{10**20}.csv", headers=staff[1])

    assert response.status_code == 404
    _assert_documented(response, operation)
