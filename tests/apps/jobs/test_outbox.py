"""Enqueueing: the job is part of the transaction that causes it."""

from __future__ import annotations

import pytest
from django.db import transaction

from apps.core.request_context import bind_request_id, reset_request_id
from apps.jobs.models import Job, JobStatus
from apps.jobs.outbox import job_enqueue
from tests.apps.jobs.conftest import lines
from tests.support import job_tasks

pytestmark = pytest.mark.django_db


def test_a_job_is_written_in_the_transaction_and_runs_after_commit(
    effects, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = job_enqueue(job_tasks.record_task, path=str(effects), label="a")
        assert Job.objects.get(pk=job.pk).status == JobStatus.PENDING
        assert lines(effects) == []

    assert len(callbacks) == 1
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert job.attempts == 1
    assert job.queue == "emails"
    assert [line.split()[:2] for line in lines(effects)] == [
        ["started", "a"],
        ["done", "a"],
    ]


def test_a_job_rolled_back_with_its_change_never_exists(
    effects, django_capture_on_commit_callbacks
):
    def place_and_fail() -> None:
        with transaction.atomic():
            job_enqueue(job_tasks.record_task, path=str(effects), label="a")
            raise ZeroDivisionError  # the change fails after enqueueing

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ZeroDivisionError),
    ):
        place_and_fail()

    assert not Job.objects.exists()
    assert lines(effects) == []


def test_one_key_makes_one_job(effects, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = job_enqueue(
            job_tasks.record_task, key="k", path=str(effects), label="a"
        )
        second = job_enqueue(
            job_tasks.record_task, key="k", path=str(effects), label="a"
        )

    assert first.pk == second.pk
    assert Job.objects.count() == 1
    assert len([line for line in lines(effects) if line.startswith("done")]) == 1


def test_the_request_id_travels_into_the_task(
    effects, django_capture_on_commit_callbacks
):
    token = bind_request_id("req-42")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            job = job_enqueue(job_tasks.record_task, path=str(effects), label="a")
    finally:
        reset_request_id(token)

    assert Job.objects.get(pk=job.pk).request_id == "req-42"
    assert "request=req-42" in lines(effects)[0]
