"""Running a job: claim it with a lease, run its task, record the outcome.

A delivery is only a suggestion: the claim is a conditional UPDATE, so a
duplicate delivery, an early one, or one for a finished job does nothing.
While the task runs a heartbeat renews the lease; a worker killed mid-task
stops renewing, and the reconciler hands the job out again once the lease
has run out.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.conf import settings
from django.db import close_old_connections, connection, connections
from django.db.models import F, Q
from django.tasks import Task
from django.utils import timezone
from django.utils.module_loading import import_string
from opentelemetry import context, propagate, trace

from apps.core import metrics, pool_metrics
from apps.core.errors import DomainError
from apps.core.request_context import bind_request_id, reset_request_id
from apps.jobs.errors import PermanentJobError
from apps.jobs.models import Job, JobStatus

logger = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)

WORKER_ID = f"{socket.gethostname()}:{os.getpid()}"


def retry_delay(attempt: int) -> timedelta:
    """The wait after failed attempt `attempt` (1-based), with +-jitter."""
    delays = settings.JOBS_RETRY_DELAYS
    base = delays[min(attempt, len(delays)) - 1]
    spread = settings.JOBS_RETRY_JITTER
    return base * (1 + random.uniform(-spread, spread))  # noqa: S311 - not crypto


def job_claim(job_id: int, *, now: datetime) -> Job | None:
    """Take the job if it is due, or its runner's lease ran out; else None."""
    claimable = Q(status=JobStatus.PENDING, run_after__lte=now) | Q(
        status=JobStatus.RUNNING, lease_until__lt=now
    )
    claimed = Job.objects.filter(claimable, pk=job_id).update(
        status=JobStatus.RUNNING,
        attempts=F("attempts") + 1,
        lease_until=now + settings.JOBS_LEASE,
        started_at=now,
        worker=WORKER_ID,
    )
    return Job.objects.get(pk=job_id) if claimed else None


def job_run(job_id: int) -> JobStatus | None:
    """Run job `job_id` once if it is claimable; return its new status.

    None when there was nothing to do (already running elsewhere, finished,
    or not yet due): a harmless duplicate delivery.
    """
    # As Django does around a request: the Redis worker never does, and a
    # connection broken by a database restart would fail every later job.
    _connections_refresh()
    pool_metrics.sampler_ensure()
    try:
        return _run(job_id)
    finally:
        _connections_refresh()


def _connections_refresh() -> None:
    # Not inside a transaction: the in-process backend runs jobs inside the
    # caller's (tests), whose connection must stay open.
    if not connection.in_atomic_block:
        close_old_connections()


def _run(job_id: int) -> JobStatus | None:
    job = job_claim(job_id, now=timezone.now())
    if job is None:
        logger.info("job delivery skipped", extra={"job_id": job_id})
        return None
    bound = bind_request_id(job.request_id or None)
    attached = context.attach(propagate.extract(job.trace_context))
    try:
        with tracer.start_as_current_span(
            f"job {job.task_path}",
            attributes={"job.id": job.pk, "job.queue": job.queue},
        ):
            logger.info(
                "job started",
                extra={
                    "job_id": job.pk,
                    "task": job.task_path,
                    "attempt": job.attempts,
                },
            )
            started = time.perf_counter()
            try:
                with _heartbeat.renewing(job):
                    task: Task[..., object] = import_string(job.task_path)
                    task.call(**job.kwargs)
            except Exception as exc:  # every failure is recorded on the job
                status = _failed(job, exc)
            else:
                status = _succeeded(job)
            _measure(job, status, time.perf_counter() - started)
            return status
    finally:
        context.detach(attached)
        reset_request_id(bound)


_OUTCOMES = {
    JobStatus.SUCCEEDED: "succeeded",
    JobStatus.PENDING: "retry",
    JobStatus.FAILED: "dead",
}


def _measure(job: Job, status: JobStatus, seconds: float) -> None:
    outcome = _OUTCOMES[status]
    metrics.job_duration.labels(job.task_path, outcome).observe(seconds)
    if status == JobStatus.PENDING:
        metrics.job_retries.labels(job.task_path).inc()
    elif status == JobStatus.FAILED:
        metrics.job_dead.labels(job.task_path).inc()


def _mine(job: Job) -> Q:
    # Fencing: only the claim that is still current may record an outcome.
    return Q(pk=job.pk, status=JobStatus.RUNNING, attempts=job.attempts)


def _succeeded(job: Job) -> JobStatus:
    now = timezone.now()
    Job.objects.filter(_mine(job)).update(
        status=JobStatus.SUCCEEDED, finished_at=now, lease_until=None, last_error=""
    )
    logger.info("job succeeded", extra={"job_id": job.pk, "task": job.task_path})
    return JobStatus.SUCCEEDED


def _failed(job: Job, exc: Exception) -> JobStatus:
    now = timezone.now()
    error = f"{type(exc).__module__}.{type(exc).__qualname__}: {exc}"
    # A DomainError is a business rule's deliberate refusal (the order is
    # gone): retrying cannot change it, unless it says it is retryable.
    permanent = isinstance(exc, PermanentJobError) or (
        isinstance(exc, DomainError) and not exc.retryable
    )
    if permanent or job.attempts >= job.max_attempts:
        Job.objects.filter(_mine(job)).update(
            status=JobStatus.FAILED, finished_at=now, lease_until=None, last_error=error
        )
        logger.error(
            "job failed for good",
            exc_info=exc,
            extra={
                "job_id": job.pk,
                "task": job.task_path,
                "attempt": job.attempts,
                "permanent": permanent,
            },
        )
        return JobStatus.FAILED
    run_after = now + retry_delay(job.attempts)
    updated = Job.objects.filter(_mine(job)).update(
        status=JobStatus.PENDING,
        run_after=run_after,
        relayed_at=None,
        lease_until=None,
        last_error=error,
    )
    logger.warning(
        "job failed; will retry",
        exc_info=exc,
        extra={
            "job_id": job.pk,
            "task": job.task_path,
            "attempt": job.attempts,
            "retry_at": run_after.isoformat(),
        },
    )
    if updated:
        from apps.jobs.outbox import jobs_relay

        job.run_after = run_after
        jobs_relay([job], force=True)
    return JobStatus.PENDING


class _Heartbeat:
    """One thread per process renewing the leases of the jobs it runs.

    Started on first use and kept: a thread per job would cost more than a
    short job itself (measured: about 0.7 ms to start and join).
    """

    def __init__(self) -> None:
        self._running: dict[int, Job] = {}
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    @contextmanager
    def renewing(self, job: Job) -> Iterator[None]:
        with self._lock:
            self._running[job.pk] = job
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._beat, name="job-heartbeat", daemon=True
                )
                self._thread.start()
        try:
            yield
        finally:
            with self._lock:
                self._running.pop(job.pk, None)

    def _beat(self) -> None:
        while True:
            time.sleep(settings.JOBS_LEASE.total_seconds() / 3)
            with self._lock:
                jobs = list(self._running.values())
            for job in jobs:
                try:
                    Job.objects.filter(_mine(job)).update(
                        lease_until=timezone.now() + settings.JOBS_LEASE
                    )
                except Exception:  # a lost lease is the reconciler's business
                    logger.warning("job heartbeat failed", exc_info=True)
            connections.close_all()  # this thread's own connection


_heartbeat = _Heartbeat()
