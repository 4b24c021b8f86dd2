from __future__ import annotations

import json
import logging
import os

import pytest


@pytest.mark.django_db
def test_echoes_a_well_formed_request_id(client):
    response = client.get("/health/live", HTTP_X_REQUEST_ID="abc-123")

    assert response["X-Request-ID"] == "abc-123"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "supplied",
    ["", "has spaces", "x" * 200, "<script>"],
    ids=["empty_case", "space_case", "long_case", "markup_case"],
)
def test_replaces_a_missing_or_unsafe_request_id(client, supplied):
    response = client.get("/health/live", HTTP_X_REQUEST_ID=supplied)

    assert response["X-Request-ID"] != supplied
    assert len(response["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_logs_one_json_line_per_request_with_its_id(client, caplog):
    with caplog.at_level(logging.INFO, logger="fashionistar.access"):
        response = client.get("/health/live", HTTP_X_REQUEST_ID="req-42")

    (record,) = [r for r in caplog.records if r.name == "fashionistar.access"]
    formatter = logging.getLogger().handlers[0].formatter
    assert formatter is not None
    line = json.loads(formatter.format(record))
    assert line["method"] == "GET"
    assert line["path"] == "/health/live"
    assert line["status"] == response.status_code == 200
    assert line["duration_ms"] >= 0
    assert line["request_id"] == "req-42"
    assert line["level"] == "INFO"


@pytest.mark.django_db
def test_each_log_line_names_the_process_that_wrote_it(client, caplog):
    with caplog.at_level(logging.INFO, logger="fashionistar.access"):
        client.get("/health/live")

    (record,) = [r for r in caplog.records if r.name == "fashionistar.access"]
    formatter = logging.getLogger().handlers[0].formatter
    assert formatter is not None
    assert json.loads(formatter.format(record))["pid"] == os.getpid()
