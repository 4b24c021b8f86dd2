"""Failures: transient ones retried at the configured delays, others not."""

from __future__ import annotations

from io import StringIO
from itertools import pairwise

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from apps.jobs.models import Job, JobStatus
from apps.jobs.outbox import job_enqueue
from apps.jobs.reconciler import jobs_reconcile
from apps.jobs.runner import retry_delay
from apps.orders.tasks import order_received_email_send_task
from tests.apps.jobs.conftest import lines
from tests.support import job_tasks

pytestmark = pytest.mark.django_db


def test_a_transient_failure_is_attempted_four_times_at_the_delays_then_kept_failed(
    effects, django_capture_on_commit_callbacks
):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            job = job_enqueue(job_tasks.always_transient_task, path=str(effects))
        for wait in (60, 120, 240):
            clock.shift(wait - 1)
            jobs_reconcile()
            attempted = len(lines(effects))
            clock.shift(1)
            jobs_reconcile()
            assert len(lines(effects)) == attempted + 1, "one attempt, when due"
        clock.shift(3600)
        jobs_reconcile()  # nothing is left to retry

    attempts = [float(line.split()[1]) for line in lines(effects)]
    assert [round(b - a) for a, b in pairwise(attempts)] == [
        60,
        120,
        240,
    ]
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.FAILED, 4)
    assert job.last_error == "builtins.ConnectionError: provider unreachable"


def test_retry_delays_are_jittered_within_the_configured_spread(settings):
    settings.JOBS_RETRY_JITTER = 0.1

    delays = {retry_delay(2).total_seconds() for _ in range(200)}

    assert min(delays) >= 108
    assert max(delays) <= 132
    assert len(delays) > 100


def test_a_permanent_error_fails_at_once_without_retries(
    effects, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_enqueue(job_tasks.permanent_task, path=str(effects))

    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.FAILED, 1)
    assert "the user no longer exists" in job.last_error
    assert lines(effects) == ["attempt"]


def test_a_domain_refusal_is_permanent(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_enqueue(order_received_email_send_task, order_id=999_999)

    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.FAILED, 1)
    assert "OrderNotFoundError" in job.last_error


def test_a_failed_job_runs_again_when_an_operator_reruns_it(
    effects, tmp_path, django_capture_on_commit_callbacks
):
    ok_file = tmp_path / "fixed"
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            job = job_enqueue(
                job_tasks.failing_until_file_task,
                path=str(effects),
                ok_file=str(ok_file),
            )
        for wait in (60, 120, 240):
            clock.shift(wait)
            jobs_reconcile()
        assert Job.objects.get(pk=job.pk).status == JobStatus.FAILED

        ok_file.touch()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("jobs_rerun", str(job.pk), stdout=StringIO())

    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.SUCCEEDED, 1)
    assert len(lines(effects)) == 5
