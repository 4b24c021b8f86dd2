"""Operators see jobs in the admin and re-run the failed ones."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.jobs.models import Job, JobStatus
from tests.apps.jobs.conftest import lines
from tests.factories.accounts import UserFactory
from tests.support import job_tasks

pytestmark = pytest.mark.django_db


def _failed_job(effects) -> Job:
    now = timezone.now()
    return Job.objects.create(
        task_path=job_tasks.record_task.module_path,
        queue="emails",
        kwargs={"path": str(effects), "label": "again"},
        status=JobStatus.FAILED,
        attempts=4,
        max_attempts=4,
        run_after=now,
        created_at=now,
        finished_at=now,
        last_error="builtins.ConnectionError: smtp down",
    )


def test_the_job_list_shows_failures_with_their_error(client, effects):
    job = _failed_job(effects)
    client.force_login(UserFactory.create(staff=True, is_superuser=True))

    response = client.get(reverse("admin:jobs_job_change", args=[job.pk]))

    assert response.status_code == 200
    assert b"smtp down" in response.content


def test_the_rerun_action_runs_a_failed_job_again(
    client, effects, django_capture_on_commit_callbacks
):
    job = _failed_job(effects)
    client.force_login(UserFactory.create(staff=True, is_superuser=True))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:jobs_job_changelist"),
            {"action": "rerun", "_selected_action": [job.pk]},
        )

    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.SUCCEEDED, 1)
    assert lines(effects)[-1] == "done again"
