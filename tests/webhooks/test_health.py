from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.jobs.models import Job, JobStatus
from tests.support.workers import redis_tasks


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


@pytest.mark.django_db
@pytest.mark.parametrize("provider", ["stripe", "paystack"])
def test_openapi_document_describes_the_payment_webhooks(client, provider):
    operation = client.get("/openapi.json").json()["paths"][f"/webhooks/{provider}/"][
        "post"
    ]

    assert "signed" in operation["description"]
    assert {"200", "400", "413", "503"} <= set(operation["responses"])


@pytest.mark.django_db
def test_ready_reports_the_unfinished_jobs_of_every_queue(client):
    now = timezone.now()
    for status, queue, run_after in [
        (JobStatus.PENDING, "emails", now),
        (JobStatus.PENDING, "emails", now + timedelta(minutes=2)),
        (JobStatus.RUNNING, "critical", now),
        (JobStatus.FAILED, "critical", now),
        (JobStatus.SUCCEEDED, "analytics", now),
    ]:
        Job.objects.create(
            task_path="t",
            queue=queue,
            status=status,
            max_attempts=4,
            run_after=run_after,
            created_at=now,
        )

    body = client.get("/health/ready").json()

    oldest = {
        name: queue.pop("oldest_waiting") for name, queue in body["queues"].items()
    }
    assert oldest["emails"] is not None
    assert oldest["critical"] is None
    assert body["queues"] == {
        "emails": {"waiting": 1, "scheduled": 1, "running": 0, "failed": 0},
        "critical": {"waiting": 0, "scheduled": 0, "running": 1, "failed": 1},
        "analytics": {"waiting": 0, "scheduled": 0, "running": 0, "failed": 0},
    }


@pytest.mark.redis
@pytest.mark.django_db
def test_ready_checks_redis_when_jobs_go_through_it(client, settings):
    settings.TASKS = redis_tasks(settings.REDIS_URL)

    response = client.get("/health/ready")

    assert response.status_code == 200, response.json()
    assert response.json()["checks"]["redis"]["status"] == "ok"


@pytest.mark.django_db
def test_ready_is_503_and_degraded_when_redis_does_not_answer(client, settings):
    settings.TASKS = redis_tasks("redis://127.0.0.1:1/0")  # nothing listens there

    response = client.get("/health/ready")

    body = response.json()
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert body["status"] == "degraded"
    assert body["checks"]["redis"] == {
        "status": "fail",
        "duration_ms": body["checks"]["redis"]["duration_ms"],
        "error": "ConnectionError",
    }
    assert body["checks"]["database"]["status"] == "ok"


@pytest.mark.django_db
def test_the_simulated_checkout_page_is_not_served_with_the_live_adapter(
    client, settings
):
    settings.PAYMENTS_ADAPTER = "live"

    response = client.get("/simulated-checkout/?reference=sim_x")

    assert response.status_code == 404
