"""/metrics: Prometheus' text for loopback and token holders, 404 for the rest."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.support.metrics import sample

pytestmark = pytest.mark.django_db
REMOTE = "203.0.113.9"


def test_a_loopback_caller_reads_the_metrics_with_every_queue():
    response = Client(REMOTE_ADDR="127.0.0.1").get("/metrics")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
    text = response.content.decode()
    for queue in ("emails", "critical", "analytics"):
        assert f'fashionistar_job_queue_depth{{queue="{queue}"}} 0.0' in text


def test_a_remote_caller_without_the_token_gets_the_unknown_url_answer(settings):
    settings.METRICS_TOKEN = "s3cret-token"

    response = Client(REMOTE_ADDR=REMOTE).get("/metrics")

    assert response.status_code == 404
    assert response.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert b"fashionistar" not in response.content


def test_a_remote_caller_with_a_wrong_token_gets_404(settings):
    settings.METRICS_TOKEN = "s3cret-token"

    response = Client(REMOTE_ADDR=REMOTE).get(
        "/metrics", headers={"Authorization": "Bearer s3cret-tokeN"}
    )

    assert response.status_code == 404


def test_a_remote_caller_with_the_token_reads_the_metrics(settings):
    settings.METRICS_TOKEN = "s3cret-token"

    response = Client(REMOTE_ADDR=REMOTE).get(
        "/metrics", headers={"Authorization": "Bearer s3cret-token"}
    )

    assert response.status_code == 200


def test_no_token_configured_means_loopback_only(settings):
    settings.METRICS_TOKEN = ""

    response = Client(REMOTE_ADDR=REMOTE).get(
        "/metrics", headers={"Authorization": "Bearer "}
    )

    assert response.status_code == 404


def test_requests_are_timed_by_url_pattern_not_by_path():
    client = Client()
    before = sample(
        "fashionistar_http_request_duration_seconds_count",
        route="unmatched",
        method="GET",
        status_class="4xx",
    )

    client.get("/no/such/page/1")
    client.get("/no/such/page/2")

    assert (
        sample(
            "fashionistar_http_request_duration_seconds_count",
            route="unmatched",
            method="GET",
            status_class="4xx",
        )
        == before + 2
    )
