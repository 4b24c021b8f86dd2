"""The one task the broker carries: "run job N". The job row says the rest."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q
from django.tasks import task
from django.utils import timezone

from apps.jobs.models import Job, JobStatus, Queue
from apps.jobs.runner import job_run


@task(queue_name=Queue.EMAILS)
def job_run_task(*, job_id: int) -> str | None:
    """Run outbox job `job_id`; sent to the job's own queue with `.using()`."""
    status = job_run(job_id)
    return None if status is None else str(status)


@task(queue_name=Queue.ANALYTICS)
def jobs_purge_task() -> int:
    """Delete finished jobs past their retention; return how many."""
    now = timezone.now()
    succeeded = Q(
        status=JobStatus.SUCCEEDED, finished_at__lt=now - settings.JOBS_KEEP_SUCCEEDED
    )
    failed = Q(status=JobStatus.FAILED, finished_at__lt=now - settings.JOBS_KEEP_FAILED)
    deleted, _ = Job.objects.filter(succeeded | failed).delete()
    return deleted
