"""What the readiness probe reports about background jobs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Count, Min, Q
from django.tasks import task_backends
from django.utils import timezone
from django_tasks_redis.backends import RedisTaskBackend

from apps.jobs.models import Job, JobStatus


@dataclass(frozen=True, slots=True, kw_only=True)
class QueueDepth:
    """Jobs of one queue that are not finished, from the outbox (the truth)."""

    waiting: int  # due now, not started
    scheduled: int  # waiting for a retry delay or a later start
    running: int
    failed: int  # final, kept for an operator
    # When the longest-waiting due job became due; None when none waits.
    oldest_waiting: datetime | None = None


def queue_depths() -> dict[str, QueueDepth]:
    """Return the depth of every queue, in one grouped query."""
    now = timezone.now()
    rows = (
        Job.objects.exclude(status=JobStatus.SUCCEEDED)
        .values("queue")
        .annotate(
            waiting=Count("pk", filter=Q(status=JobStatus.PENDING, run_after__lte=now)),
            scheduled=Count(
                "pk", filter=Q(status=JobStatus.PENDING, run_after__gt=now)
            ),
            running=Count("pk", filter=Q(status=JobStatus.RUNNING)),
            failed=Count("pk", filter=Q(status=JobStatus.FAILED)),
            oldest_waiting=Min(
                "run_after", filter=Q(status=JobStatus.PENDING, run_after__lte=now)
            ),
        )
    )
    found = {
        row["queue"]: QueueDepth(
            waiting=row["waiting"],
            scheduled=row["scheduled"],
            running=row["running"],
            failed=row["failed"],
            oldest_waiting=row["oldest_waiting"],
        )
        for row in rows
    }
    empty = QueueDepth(waiting=0, scheduled=0, running=0, failed=0)
    return {queue: found.get(queue, empty) for queue in settings.JOBS_QUEUES}


def broker_uses_redis() -> bool:
    return isinstance(task_backends["default"], RedisTaskBackend)


def broker_ping() -> None:
    """Raise unless the Redis that carries jobs answers (within its timeouts)."""
    backend = task_backends["default"]
    assert isinstance(backend, RedisTaskBackend)
    backend.get_client().ping()
