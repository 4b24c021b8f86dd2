from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_live_answers_ok_without_touching_the_database(
    client, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get("/health/live")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {}}


@pytest.mark.django_db
def test_ready_reports_each_check_with_its_timing(client):
    response = client.get("/health/ready")

    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["database"]["duration_ms"] >= 0


@pytest.mark.django_db
def test_openapi_document_lists_the_probes(client):
    response = client.get("/openapi.json")

    paths = response.json()["paths"]
    assert response.status_code == 200
    assert {"/health/live", "/health/ready"} <= set(paths)
