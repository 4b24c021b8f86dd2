"""The job runner's claims and leases, through a real PgBouncer.

The same specifications as tests/system/test_workers.py (two workers on
three queues; a worker SIGKILLed mid-job, whose claim's lease runs out and
whose job another claim then finishes once),
collected again here: the `env` below sends every worker through a private
PgBouncer in transaction mode with `DATABASE_POOLER=pgbouncer`, on the
database task backend, so every claim, lease and outbox row crosses the
pooler. This process enqueues and checks over its own direct connection.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from config.settings.tasks import TASK_BACKEND_CONFIGS
from tests.support.pgbouncer import available
from tests.support.workers import job_environment
from tests.system.test_workers import (
    test_a_job_whose_worker_is_killed_mid_task_completes_later_once,
    test_jobs_on_all_three_queues_finish_exactly_once_with_two_workers,
)

__all__ = [
    "test_a_job_whose_worker_is_killed_mid_task_completes_later_once",
    "test_jobs_on_all_three_queues_finish_exactly_once_with_two_workers",
]

pytestmark = [
    pytest.mark.system,
    pytest.mark.slow,
    pytest.mark.postgres,
    pytest.mark.skipif(available() is not None, reason=str(available())),
]


@pytest.fixture
def env(settings, transactional_db, bouncer):
    """Workers reach the test database only through PgBouncer."""
    settings.JOBS_RELAY_PAUSE = timedelta(seconds=1)
    settings.TASKS = {"default": TASK_BACKEND_CONFIGS["database"]}
    return job_environment(TASKS_BACKEND="database", **bouncer.environment())
