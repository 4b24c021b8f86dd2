"""Enqueueing: write the job in the caller's transaction, relay it after commit.

`transaction.on_commit(task.enqueue)` alone loses work when the process dies
or the broker is down between commit and enqueue. Here the job is a row
committed with the change that caused it; relaying it to the broker is only
a hint that it is ready, repeated by the reconciler until the job ends.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime
from functools import partial
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.tasks import Task
from django.utils import timezone
from opentelemetry import propagate

from apps.core.request_context import current_request_id
from apps.jobs.models import Job, JobStatus, Queue

logger = logging.getLogger(__name__)


def job_enqueue(
    task: Task[..., Any],
    *,
    key: str | None = None,
    run_after: datetime | None = None,
    **kwargs: Any,
) -> Job:
    """Record a run of `task` with `kwargs` (JSON-safe: ids and strings).

    Written in the current transaction, so it exists exactly when the change
    that caused it commits; handed to a worker after commit. With a `key`,
    a second enqueue under it returns the first job and adds nothing.
    """
    queue = Queue(task.queue_name)  # ValueError for a queue nobody serves
    now = timezone.now()
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    job = Job(
        task_path=task.module_path,
        queue=queue,
        kwargs=kwargs,
        key=key,
        max_attempts=len(settings.JOBS_RETRY_DELAYS) + 1,
        run_after=run_after or now,
        request_id=current_request_id() or "",
        trace_context=carrier,
        created_at=now,
    )
    if key is not None:
        try:
            with transaction.atomic():
                job.save()
        except IntegrityError:
            return Job.objects.get(key=key)
    else:
        job.save()
    transaction.on_commit(partial(jobs_relay, [job]), robust=True)
    return job


# After a broker failure, requests stop trying for a while: each attempt
# could cost them the broker timeout, and the reconciler relays anyway.
_paused_until = 0.0
_pause_lock = threading.Lock()


def jobs_relay(jobs: list[Job], *, force: bool = False) -> int:
    """Hand `jobs` to the broker; return how many it took.

    Never raises for a broker failure: the jobs stay PENDING and the
    reconciler relays them again. `force` ignores the pause after a failure
    (the reconciler's own relays).
    """
    global _paused_until
    if not force and time.monotonic() < _paused_until:
        return 0
    from apps.jobs.tasks import job_run_task  # tasks import this module

    now = timezone.now()
    ready = [job for job in jobs if job.run_after <= now or _defers(job_run_task)]
    if not ready:
        return 0  # the reconciler relays deferred jobs when they are due
    # Marked before sending: a fast worker may fail the job and reschedule it
    # (clearing the mark) before this function would get to mark it.
    Job.objects.filter(
        pk__in=[job.pk for job in ready], status=JobStatus.PENDING
    ).update(relayed_at=now)
    for index, job in enumerate(ready):
        runner = job_run_task.using(queue_name=job.queue)
        if job.run_after > now:
            runner = runner.using(run_after=job.run_after)
        try:
            runner.enqueue(job_id=job.pk)
        except Exception:
            unsent = [job.pk for job in ready[index:]]
            Job.objects.filter(pk__in=unsent, relayed_at=now).update(relayed_at=None)
            with _pause_lock:
                _paused_until = (
                    time.monotonic() + settings.JOBS_RELAY_PAUSE.total_seconds()
                )
            logger.warning(
                "job relay failed; the reconciler will retry",
                exc_info=True,
                extra={"job_ids": unsent, "queue": job.queue},
            )
            return index
    return len(ready)


def _defers(task: Task[..., Any]) -> bool:
    return bool(task.get_backend().supports_defer)


def jobs_rerun(job_ids: list[int]) -> int:
    """Run FAILED jobs again with a fresh set of attempts; return how many.

    For an operator after fixing the cause (admin action, `jobs_rerun`).
    Other statuses are left alone: a pending or running job will run anyway.
    """
    now = timezone.now()
    with transaction.atomic():
        jobs = list(
            Job.objects.select_for_update()
            .filter(pk__in=job_ids, status=JobStatus.FAILED)
            .order_by("pk")
        )
        Job.objects.filter(pk__in=[job.pk for job in jobs]).update(
            status=JobStatus.PENDING,
            attempts=0,
            run_after=now,
            relayed_at=None,
            finished_at=None,
        )
        for job in jobs:
            job.status, job.run_after = JobStatus.PENDING, now
        transaction.on_commit(partial(jobs_relay, jobs), robust=True)
    logger.info("failed jobs re-run", extra={"job_ids": [job.pk for job in jobs]})
    return len(jobs)
