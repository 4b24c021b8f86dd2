"""deploy/k8s as rendered for production: the blueprint's numbers and the hardening.

The manifests are rendered with kustomize (`kubectl kustomize`) exactly as
`kubectl apply -k deploy/k8s/overlays/production` would send them; `make
lint` validates the same render against the Kubernetes schemas.
"""

from __future__ import annotations

import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
KUBECTL = shutil.which("kubectl")

pytestmark = pytest.mark.skipif(
    KUBECTL is None, reason="no kubectl (kustomize) on PATH"
)


@cache
def _production() -> list[dict[str, Any]]:
    assert KUBECTL is not None
    rendered = subprocess.run(
        [KUBECTL, "kustomize", str(ROOT / "deploy/k8s/overlays/production")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [doc for doc in yaml.safe_load_all(rendered) if doc]


def _objects(kind: str) -> dict[str, dict[str, Any]]:
    return {o["metadata"]["name"]: o for o in _production() if o["kind"] == kind}


def _pod_specs() -> dict[str, dict[str, Any]]:
    workloads = {**_objects("Deployment"), **_objects("Job")}
    return {name: o["spec"]["template"]["spec"] for name, o in workloads.items()}


def test_the_web_autoscaler_says_3_to_50_on_cpu_70_and_memory_80():
    hpa = _objects("HorizontalPodAutoscaler")["web"]["spec"]

    targets = {
        m["resource"]["name"]: m["resource"]["target"]["averageUtilization"]
        for m in hpa["metrics"]
    }
    assert (hpa["minReplicas"], hpa["maxReplicas"]) == (3, 50)
    assert targets == {"cpu": 70, "memory": 80}
    assert hpa["behavior"]["scaleUp"]["stabilizationWindowSeconds"] == 60
    assert hpa["behavior"]["scaleDown"]["stabilizationWindowSeconds"] == 300


def test_each_queue_has_a_worker_scaled_on_its_own_depth():
    workers = {
        name: o for name, o in _objects("Deployment").items() if "worker" in name
    }
    hpas = _objects("HorizontalPodAutoscaler")

    for queue in ("emails", "critical", "analytics"):
        container = workers[f"worker-{queue}"]["spec"]["template"]["spec"][
            "containers"
        ][0]
        assert container["command"] == ["deploy/worker", queue]
        metric = hpas[f"worker-{queue}"]["spec"]["metrics"][0]["external"]["metric"]
        assert metric == {
            "name": "fashionistar_job_queue_depth",
            "selector": {"matchLabels": {"queue": queue}},
        }


def test_one_beat_and_migrations_as_a_job():
    beat = _objects("Deployment")["beat"]["spec"]
    migrate = _objects("Job")["migrate"]["spec"]["template"]["spec"]

    assert beat["replicas"] == 1
    assert beat["template"]["spec"]["containers"][0]["command"] == [
        "deploy/worker",
        "beat",
    ]
    assert migrate["containers"][0]["command"][-2:] == ["migrate", "--noinput"]


def test_every_pod_runs_as_non_root_on_a_read_only_root_filesystem():
    for name, pod in _pod_specs().items():
        container = pod["containers"][0]
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        assert container["securityContext"]["readOnlyRootFilesystem"] is True, name
        assert container["securityContext"]["capabilities"] == {"drop": ["ALL"]}
        tmp = {"name": "tmp", "mountPath": "/tmp"}  # noqa: S108 (the pod's own)
        assert container["volumeMounts"] == [tmp]


def test_every_container_has_memory_requests_and_limits():
    for name, pod in _pod_specs().items():
        resources = pod["containers"][0]["resources"]
        assert resources["requests"]["memory"], name
        assert resources["limits"]["memory"], name


def test_web_probes_use_the_health_endpoints():
    container = _objects("Deployment")["web"]["spec"]["template"]["spec"]["containers"][
        0
    ]

    assert container["startupProbe"]["httpGet"]["path"] == "/health/live"
    assert container["livenessProbe"]["httpGet"]["path"] == "/health/live"
    assert container["readinessProbe"]["httpGet"]["path"] == "/health/ready"


def test_secrets_are_referenced_never_written():
    assert _objects("Secret") == {}
    for name, pod in _pod_specs().items():
        sources = pod["containers"][0]["envFrom"]
        assert {"secretRef": {"name": "fashionistar-secrets"}} in sources, name
