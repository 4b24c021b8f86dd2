"""Liveness and readiness probes for load balancers and orchestrators."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime

from asgiref.sync import sync_to_async
from django.db import connection
from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status

from apps.core.admission import work_slots
from apps.jobs import health as jobs_health

router = Router(tags=["health"])

# Seconds a 503 from /health/ready asks the caller to wait: about one
# Sentinel failover (down-after plus election) or a PostgreSQL restart.
READY_RETRY_AFTER_SECONDS = 5


class Check(Schema):
    status: str
    duration_ms: float
    error: str | None = None


class QueueDepth(Schema):
    waiting: int
    scheduled: int
    running: int
    failed: int
    # When the longest-waiting due job became due; null when none waits.
    oldest_waiting: datetime | None = None


class Load(Schema):
    """This process's work slots (config/admission.py): now, and since it started."""

    active: int
    waiting: int
    limit: int
    queue_max: int
    admitted: int
    queued: int
    refused: int


class Health(Schema):
    status: str
    checks: dict[str, Check]
    queues: dict[str, QueueDepth] | None = None
    load: Load | None = None


def _load() -> Load:
    slots = work_slots()
    return Load(
        active=slots.active,
        waiting=slots.waiting,
        limit=slots.limit,
        queue_max=slots.queue_max,
        **asdict(slots.counts),
    )


def _database_ping() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


async def _timed(check: Callable[[], None]) -> Check:
    started = time.perf_counter()
    try:
        await sync_to_async(check)()
    except Exception as error:
        return Check(
            status="fail",
            duration_ms=round((time.perf_counter() - started) * 1000, 2),
            error=type(error).__name__,
        )
    return Check(
        status="ok", duration_ms=round((time.perf_counter() - started) * 1000, 2)
    )


@router.get("/live", response=Health, summary="The process is up", exclude_none=True)
async def live(request: HttpRequest) -> Health:
    return Health(status="ok", checks={})


@router.get(
    "/ready",
    response={200: Health, 503: Health},
    summary="Dependencies reachable",
    description=(
        "503 with `Retry-After` when PostgreSQL, or Redis where jobs go through "
        "Redis, does not answer. `status` is `ok`, `degraded` (the database "
        "answers, Redis does not: requests are still served and jobs wait in "
        "the outbox) or `fail` (the database does not answer). `queues` gives "
        "each job queue's unfinished jobs, from the database outbox; `load` "
        "this process's requests in flight, waiting for a slot, and refused as "
        "overload since it started."
    ),
)
async def ready(request: HttpRequest, response: HttpResponse) -> Status[Health]:
    checks = {"database": await _timed(_database_ping)}
    if jobs_health.broker_uses_redis():
        checks["redis"] = await _timed(jobs_health.broker_ping)
    queues = None
    if checks["database"].status == "ok":
        depths = await sync_to_async(jobs_health.queue_depths)()
        queues = {name: QueueDepth(**asdict(depth)) for name, depth in depths.items()}
    status = _overall(checks)
    body = Health(status=status, checks=checks, queues=queues, load=_load())
    if status == "ok":
        return Status(200, body)
    # A probe or balancer that honours it asks again after a Sentinel
    # failover or a database restart has had time to finish.
    response["Retry-After"] = str(READY_RETRY_AFTER_SECONDS)
    return Status(503, body)


def _overall(checks: dict[str, Check]) -> str:
    """`ok`; `degraded` when only Redis fails (the app still serves); `fail`."""
    if checks["database"].status != "ok":
        return "fail"
    return "ok" if all(c.status == "ok" for c in checks.values()) else "degraded"
