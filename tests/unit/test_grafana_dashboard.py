"""deploy/grafana/fashionistar.json reads only metrics the app exports."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.unit.test_prometheus_config import exported_series

DASHBOARD = json.loads(
    (
        Path(__file__).resolve().parents[2] / "deploy/grafana/fashionistar.json"
    ).read_text()
)


def _expressions() -> list[str]:
    return [
        target["expr"]
        for panel in DASHBOARD["panels"]
        for target in panel.get("targets", [])
    ]


def test_every_panel_reads_a_metric_the_app_exports():
    read = {
        name
        for expr in _expressions()
        for name in re.findall(r"\b(fashionistar_[a-z_]+)\b", expr)
    }
    assert read
    assert read <= exported_series(), read - exported_series()


def test_the_dashboard_covers_requests_latency_queues_jobs_and_payments():
    text = " ".join(_expressions())
    for metric in (
        "fashionistar_http_request_duration_seconds_count",
        "fashionistar_http_request_duration_seconds_bucket",
        "fashionistar_job_queue_depth",
        "fashionistar_job_duration_seconds_count",
        "fashionistar_payments_captured_amount_total",
    ):
        assert metric in text, metric
