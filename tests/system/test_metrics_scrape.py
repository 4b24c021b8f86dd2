"""A real scrape of /metrics: every process counted, and promtool finds it clean.

Two Granian workers and a job worker share one PROMETHEUS_MULTIPROC_DIR, as
in `make run` and a pod; the scrape is checked by Prometheus' own promtool.
"""

from __future__ import annotations

import shutil
import subprocess
import uuid

import httpx
import pytest

from apps.jobs.outbox import job_enqueue
from config.settings.tasks import TASK_BACKEND_CONFIGS
from tests.support import job_tasks
from tests.support.live_server import live_server
from tests.support.workers import eventually, job_environment, worker

PROMTOOL = shutil.which("promtool")
pytestmark = [
    pytest.mark.system,
    pytest.mark.slow,
    pytest.mark.skipif(
        PROMTOOL is None, reason="promtool (Debian: prometheus) is not installed"
    ),
]

QUEUES = ("emails", "critical", "analytics")
PRODUCTS = "{ products(first: 2) { edges { node { name } } } }"


def _scrape(url: str) -> str:
    response = httpx.get(f"{url}/metrics", timeout=30)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    return response.text


def _sample(text: str, name: str, **labels: str) -> float | None:
    """The value of the one sample of `name` whose labels include `labels`."""
    for line in text.splitlines():
        if not line.startswith(name + "{") and line.split(" ")[0] != name:
            continue
        series, _, value = line.rpartition(" ")
        if all(f'{key}="{wanted}"' in series for key, wanted in labels.items()):
            return float(value)
    return None


@pytest.fixture
def env(transactional_db, tmp_path, settings):
    settings.TASKS = {"default": TASK_BACKEND_CONFIGS["database"]}
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    return job_environment(
        TASKS_BACKEND="database", PROMETHEUS_MULTIPROC_DIR=str(metrics_dir)
    )


def test_a_scrape_passes_promtool_and_counts_the_request_it_follows(env):
    with live_server(env={**env, "WEB_WORKERS": "2"}) as server:
        for _ in range(4):
            httpx.post(
                f"{server.url}/graphql/", json={"query": "{ __typename }"}, timeout=30
            )
        text = _scrape(server.url)

    assert PROMTOOL is not None
    checked = subprocess.run(
        [PROMTOOL, "check", "metrics"],
        input=text.encode(),
        capture_output=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout.decode() + checked.stderr.decode()
    served = _sample(
        text,
        "fashionistar_http_request_duration_seconds_count",
        route="graphql/",
        method="POST",
        status_class="2xx",
    )
    assert served == 4
    for queue in QUEUES:
        assert _sample(text, "fashionistar_job_queue_depth", queue=queue) == 0
        assert (
            _sample(text, "fashionistar_job_queue_oldest_age_seconds", queue=queue) == 0
        )
    assert (
        _sample(
            text,
            "fashionistar_graphql_operations_total",
            operation="other",
            root_field="__typename",
            type="query",
            outcome="ok",
        )
        == 4
    )


def test_the_queue_depth_shows_waiting_jobs_and_the_job_worker_is_counted(
    env, tmp_path
):
    effects = tmp_path / "effects.log"
    for _ in range(3):
        job_enqueue(
            job_tasks.record_task,
            key=f"metrics-{uuid.uuid4().hex}",
            path=str(effects),
            label="job",
        )
    with live_server(env=env) as server:
        waiting = _scrape(server.url)
        with worker("worker", "--queue", "emails", env=env):
            eventually(
                lambda: effects.exists() and effects.read_text().count("done job") == 3,
                what="the worker ran the three jobs",
            )
            done = eventually(
                lambda: _ran(_scrape(server.url)),
                what="the worker's job metrics appear",
            )

    assert _sample(waiting, "fashionistar_job_queue_depth", queue="emails") == 3
    oldest = _sample(
        waiting, "fashionistar_job_queue_oldest_age_seconds", queue="emails"
    )
    assert oldest is not None
    assert oldest > 0
    assert _sample(done, "fashionistar_job_queue_depth", queue="emails") == 0


def _ran(text: str) -> str:
    count = _sample(
        text,
        "fashionistar_job_duration_seconds_count",
        task="tests.support.job_tasks.record_task",
        outcome="succeeded",
    )
    return text if count == 3 else ""


def test_metrics_are_hidden_from_a_caller_that_is_not_loopback_and_has_no_token(env):
    token = uuid.uuid4().hex
    every_interface = {"HOST": "0.0.0.0"}  # noqa: S104 - reachable from a remote address
    with live_server(env={**env, **every_interface, "METRICS_TOKEN": token}) as server:
        outside = _outside_address()
        url = f"http://{outside}:{server.port}/metrics"
        host = {"Host": "localhost"}  # an allowed host, from a remote address
        anonymous = httpx.get(url, headers=host, timeout=30)
        wrong = httpx.get(
            url, headers={**host, "Authorization": "Bearer no"}, timeout=30
        )
        holder = httpx.get(
            url, headers={**host, "Authorization": f"Bearer {token}"}, timeout=30
        )
        unknown = httpx.get(
            f"http://{outside}:{server.port}/no-such-page", headers=host, timeout=30
        )  # Django's own 404 (its debug page while DEBUG is on)

    assert anonymous.status_code == wrong.status_code == unknown.status_code == 404
    assert anonymous.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert wrong.content == anonymous.content
    assert holder.status_code == 200
    assert "fashionistar_job_queue_depth" in holder.text


def _outside_address() -> str:
    """This machine's non-loopback address: a caller the server sees as remote."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("192.0.2.1", 9))  # TEST-NET-1: nothing is sent
        address: str = probe.getsockname()[0]
    if address.startswith("127."):
        pytest.skip("no non-loopback interface on this machine")
    return address


@pytest.mark.postgres
def test_the_database_pool_is_reported_by_state_with_its_bound(env):
    with live_server(env={**env, "DB_POOL_MAX_SIZE": "3"}) as server:
        httpx.post(f"{server.url}/graphql/", json={"query": PRODUCTS}, timeout=30)
        text = _scrape(server.url)

    in_use = _sample(text, "fashionistar_db_pool_connections", state="in_use")
    idle = _sample(text, "fashionistar_db_pool_connections", state="idle")
    assert in_use is not None
    assert idle is not None
    assert in_use + idle >= 1
    assert _sample(text, "fashionistar_db_pool_max_connections") == 3
    assert _sample(text, "fashionistar_db_pool_waiting") == 0
    assert _sample(text, "fashionistar_db_pool_timeouts_total") == 0
