"""deploy/prometheus against what it watches: the pods, the metrics, the runbook.

Debian's promtool checks the rules (`make lint`), not Kubernetes discovery,
so the scrape configuration's relabelling is replayed here on the pods that
deploy/k8s renders.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.unit.test_k8s_manifests import KUBECTL, _objects

ROOT = Path(__file__).resolve().parents[2]
SCRAPE = yaml.safe_load((ROOT / "deploy/prometheus/kubernetes.yml").read_text())
ALERTS = yaml.safe_load((ROOT / "deploy/prometheus/alerts.yml").read_text())
RUNBOOK = (ROOT / "docs/operations.md").read_text()


def _meta(pod_template: dict[str, Any]) -> dict[str, str]:
    """The `__meta_kubernetes_pod_*` labels Prometheus gives a pod (and its address)."""
    metadata = pod_template["metadata"]
    meta = {"__address__": "10.0.0.7"}
    for key, value in metadata.get("labels", {}).items():
        meta[f"__meta_kubernetes_pod_label_{re.sub(r'[^a-zA-Z0-9_]', '_', key)}"] = (
            value
        )
    for key, value in metadata.get("annotations", {}).items():
        name = re.sub(r"[^a-zA-Z0-9_]", "_", key)
        meta[f"__meta_kubernetes_pod_annotation_{name}"] = value
    return meta


def _relabel(meta: dict[str, str]) -> dict[str, str] | None:
    """Prometheus' relabelling (keep and replace), as the scrape config states it."""
    labels = dict(meta)
    for rule in SCRAPE["scrape_configs"][0]["relabel_configs"]:
        value = ";".join(labels.get(name, "") for name in rule["source_labels"])
        match = re.fullmatch(rule.get("regex", "(.*)"), value)
        if rule.get("action", "replace") == "keep":
            if match is None:
                return None
            continue
        if match is not None:
            replacement = rule.get("replacement", "$1")
            labels[rule["target_label"]] = match.expand(
                re.sub(r"\$(\d+)", r"\\\1", replacement)
            )
    return labels


@pytest.mark.skipif(KUBECTL is None, reason="no kubectl (kustomize) on PATH")
def test_every_deployment_is_scraped_on_the_port_it_serves_metrics_on():
    config = next(iter(_objects("ConfigMap").values()))["data"]
    for name, deployment in _objects("Deployment").items():
        template = deployment["spec"]["template"]
        target = _relabel(_meta(template))
        assert target is not None, f"{name} is not scraped"
        ports = {
            p["containerPort"]
            for p in template["spec"]["containers"][0].get("ports", [])
        }
        port = int(target["__address__"].rpartition(":")[2])
        assert port in ports, name
        expected = int(config["PORT"]) if name == "web" else int(config["METRICS_PORT"])
        assert port == expected, name


def test_a_pod_of_another_app_is_not_scraped():
    other = {
        "metadata": {
            "labels": {"app.kubernetes.io/part-of": "billing"},
            "annotations": {
                "prometheus.io/scrape": "true",
                "prometheus.io/port": "8000",
            },
        }
    }
    assert _relabel(_meta(other)) is None


def _alerts() -> list[dict[str, Any]]:
    return [
        rule for group in ALERTS["groups"] for rule in group["rules"] if "alert" in rule
    ]


@pytest.mark.parametrize("alert", [a["alert"] for a in _alerts()])
def test_every_alert_has_its_runbook_entry(alert):
    assert re.search(rf"^### {alert}$", RUNBOOK, re.MULTILINE), alert
    rule = next(a for a in _alerts() if a["alert"] == alert)
    assert rule["annotations"]["runbook"] == f"docs/operations.md#{alert.lower()}"


def exported_series() -> set[str]:
    """Every series name the app can expose (with _total, _bucket, _count)."""
    from prometheus_client.metrics import MetricWrapperBase

    from apps.core import metrics
    from apps.jobs.metrics import QueueCollector

    defined = [
        family
        for value in vars(metrics).values()
        if isinstance(value, MetricWrapperBase)
        for family in value.describe()
    ]
    return {
        f"{metric.name}{suffix}"
        for metric in [*defined, *QueueCollector().describe()]
        for suffix in ("", "_total", "_bucket", "_count", "_sum")
    }


def test_every_metric_the_rules_read_is_one_the_app_exports():
    read = {
        name
        for rule in (r for g in ALERTS["groups"] for r in g["rules"])
        for name in re.findall(r"\b(fashionistar_[a-z_]+)\b", rule["expr"])
    }
    assert read
    assert read <= exported_series(), read - exported_series()
