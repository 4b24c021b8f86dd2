"""The reconciler: lost deliveries and dead workers end in exactly one run."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from apps.jobs.models import Job, JobStatus
from apps.jobs.outbox import job_enqueue
from apps.jobs.reconciler import jobs_reconcile, periodic_enqueue
from apps.jobs.runner import job_claim, job_run
from apps.jobs.tasks import jobs_purge_task
from tests.apps.jobs.conftest import lines
from tests.support import job_tasks

pytestmark = pytest.mark.django_db

UNREACHABLE_REDIS = {
    "BACKEND": "apps.jobs.redis_backend.RedisTaskBackend",
    "QUEUES": ["emails", "critical", "analytics"],
    "OPTIONS": {
        # Nothing listens on port 1: a real refused connection, not a mock.
        "REDIS_URL": "redis://127.0.0.1:1/0",
        "REDIS_SOCKET_CONNECT_TIMEOUT": 0.5,
        "REDIS_SOCKET_TIMEOUT": 1.5,
        "REDIS_BLOCK_TIMEOUT": 1000,
    },
}


def _pending_job(effects, **kwargs) -> Job:
    """A committed job that no broker has seen (as after a crash at commit)."""
    return job_enqueue(job_tasks.record_task, path=str(effects), label="a", **kwargs)


def test_a_job_never_relayed_is_relayed_by_the_next_round(effects):
    job = _pending_job(effects)  # on_commit never ran: the process "died"

    result = jobs_reconcile()

    assert result.relayed == 1
    assert Job.objects.get(pk=job.pk).status == JobStatus.SUCCEEDED


def test_a_job_the_broker_lost_is_relayed_after_the_redelivery_window(
    effects, settings
):
    job = _pending_job(effects)
    start = timezone.now()
    Job.objects.filter(pk=job.pk).update(relayed_at=start, run_after=start)

    with time_machine.travel(start + settings.JOBS_REDELIVER_AFTER, tick=False):
        assert jobs_reconcile().relayed == 0  # it may still be queued
    with time_machine.travel(
        start + settings.JOBS_REDELIVER_AFTER + timedelta(seconds=1), tick=False
    ):
        assert jobs_reconcile().relayed == 1

    assert Job.objects.get(pk=job.pk).status == JobStatus.SUCCEEDED


def test_a_dead_workers_job_runs_again_once_its_lease_runs_out(effects, settings):
    job = _pending_job(effects)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        assert job_claim(job.pk, now=start) is not None  # then the worker is killed

        assert job_run(job.pk) is None  # a duplicate delivery: lease still held
        clock.shift(settings.JOBS_LEASE)
        assert jobs_reconcile().relayed == 0
        clock.shift(timedelta(seconds=1))
        assert jobs_reconcile().relayed == 1

    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.SUCCEEDED, 2)
    assert len([line for line in lines(effects) if line.startswith("done")]) == 1


def test_a_job_whose_worker_died_on_the_last_attempt_fails_visibly(effects, settings):
    job = _pending_job(effects)
    start = timezone.now()
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, attempts=job.max_attempts, lease_until=start
    )

    with time_machine.travel(start + timedelta(seconds=1), tick=False):
        result = jobs_reconcile()

    job.refresh_from_db()
    assert (result.abandoned, job.status) == (1, JobStatus.FAILED)
    assert "lease expired" in job.last_error
    assert lines(effects) == []


def test_a_finished_job_delivered_again_does_nothing(
    effects, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = _pending_job(effects)

    assert job_run(job.pk) is None
    assert len(lines(effects)) == 2


def test_a_broker_outage_at_commit_loses_nothing(
    effects, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": UNREACHABLE_REDIS}
    with django_capture_on_commit_callbacks(execute=True):
        job = _pending_job(effects)

    job.refresh_from_db()
    assert (job.status, job.relayed_at) == (JobStatus.PENDING, None)

    settings.TASKS = {
        "default": {
            "BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
            "QUEUES": settings.JOBS_QUEUES,
        }
    }
    assert jobs_reconcile().relayed == 1
    assert Job.objects.get(pk=job.pk).status == JobStatus.SUCCEEDED


def test_periodic_jobs_are_enqueued_once_per_period(settings):
    settings.JOBS_PERIODIC = {
        "purge": ("apps.jobs.tasks.jobs_purge_task", timedelta(minutes=10))
    }
    start = timezone.now().replace(minute=0, second=0, microsecond=0)

    with time_machine.travel(start, tick=False) as clock:
        added = [periodic_enqueue(now=timezone.now()) for _ in range(3)]
        clock.shift(timedelta(minutes=10))
        added.append(periodic_enqueue(now=timezone.now()))

    assert added == [1, 0, 0, 1]
    assert Job.objects.filter(task_path="apps.jobs.tasks.jobs_purge_task").count() == 2


def test_finished_jobs_are_purged_after_their_retention(settings):
    now = timezone.now()

    def job(status: str, age: timedelta) -> Job:
        return Job.objects.create(
            task_path="t",
            queue="emails",
            status=status,
            max_attempts=4,
            run_after=now,
            created_at=now,
            finished_at=now - age,
        )

    old_success = job(
        JobStatus.SUCCEEDED, settings.JOBS_KEEP_SUCCEEDED + timedelta(hours=1)
    )
    recent_success = job(JobStatus.SUCCEEDED, timedelta(days=1))
    old_failure = job(JobStatus.FAILED, settings.JOBS_KEEP_FAILED + timedelta(hours=1))
    kept_failure = job(
        JobStatus.FAILED, settings.JOBS_KEEP_SUCCEEDED + timedelta(hours=1)
    )

    assert jobs_purge_task.call() == 2
    assert set(Job.objects.values_list("pk", flat=True)) == {
        recent_success.pk,
        kept_failure.pk,
    }
    assert not Job.objects.filter(pk__in=[old_success.pk, old_failure.pk]).exists()
