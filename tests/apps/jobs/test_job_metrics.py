"""Each run of a job is timed and counted by task and outcome."""

from __future__ import annotations

import pytest

from apps.jobs.outbox import job_enqueue
from tests.support import job_tasks
from tests.support.metrics import sample

pytestmark = pytest.mark.django_db
RUNS = "fashionistar_job_duration_seconds_count"


def _runs(task: str, outcome: str) -> float:
    return sample(RUNS, task=task, outcome=outcome)


def test_a_job_that_succeeds_is_counted_as_succeeded(
    effects, django_capture_on_commit_callbacks
):
    task = job_tasks.record_task.module_path
    before = _runs(task, "succeeded")

    with django_capture_on_commit_callbacks(execute=True):
        job_enqueue(job_tasks.record_task, path=str(effects), label="one")

    assert _runs(task, "succeeded") == before + 1


def test_a_transient_failure_is_counted_as_a_retry(
    effects, django_capture_on_commit_callbacks
):
    task = job_tasks.always_transient_task.module_path
    runs, retries = (
        _runs(task, "retry"),
        sample("fashionistar_job_retries_total", task=task),
    )

    with django_capture_on_commit_callbacks(execute=True):
        job_enqueue(job_tasks.always_transient_task, path=str(effects))

    assert _runs(task, "retry") == runs + 1
    assert sample("fashionistar_job_retries_total", task=task) == retries + 1


def test_a_permanent_failure_is_counted_as_dead(
    effects, django_capture_on_commit_callbacks
):
    task = job_tasks.permanent_task.module_path
    dead = sample("fashionistar_job_dead_total", task=task)

    with django_capture_on_commit_callbacks(execute=True):
        job_enqueue(job_tasks.permanent_task, path=str(effects))

    assert sample("fashionistar_job_dead_total", task=task) == dead + 1
    assert _runs(task, "dead") >= 1
