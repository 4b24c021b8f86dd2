"""Real workers on Redis and the database: every job runs, and runs once.

Each test gets a private Redis (tests/support/redis.py) and real worker
processes (tests/support/workers.py) with detection windows of a second or
two instead of minutes.
"""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import pytest

from apps.jobs.models import Job, JobStatus
from apps.jobs.outbox import job_enqueue
from tests.support import job_tasks
from tests.support.redis import available, private_redis
from tests.support.workers import eventually, job_environment, redis_tasks, worker

pytestmark = [
    pytest.mark.system,
    pytest.mark.slow,
    pytest.mark.skipif(available() is not None, reason=str(available())),
]


@pytest.fixture
def redis_jobs(settings, transactional_db):
    """A private Redis that this process relays to and workers read from."""
    with private_redis() as redis:
        settings.TASKS = redis_tasks(redis.url)
        settings.JOBS_RELAY_PAUSE = timedelta(seconds=1)
        yield redis


@pytest.fixture
def env(redis_jobs):
    return job_environment(TASKS_BACKEND="redis", REDIS_URL=redis_jobs.url)


def _lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


def _done(path: Path) -> list[str]:
    return [line for line in _lines(path) if line.startswith("done")]


def test_jobs_on_all_three_queues_finish_exactly_once_with_two_workers(env, tmp_path):
    effects = tmp_path / "effects.log"
    tasks = [
        job_tasks.record_task,
        job_tasks.record_task.using(queue_name="critical"),
        job_tasks.record_task.using(queue_name="analytics"),
    ]
    jobs = [
        job_enqueue(tasks[n % 3], path=str(effects), label=f"j{n}") for n in range(150)
    ]

    with worker("worker", env=env), worker("worker", env=env):
        eventually(lambda: len(_done(effects)) >= 150, timeout=60, what="150 jobs done")

    labels = sorted(line.split()[1] for line in _done(effects))
    assert labels == sorted(f"j{n}" for n in range(150))
    assert {job.queue for job in jobs} == {"emails", "critical", "analytics"}
    assert set(Job.objects.values_list("status", flat=True)) == {JobStatus.SUCCEEDED}


def test_a_job_whose_worker_is_killed_mid_task_completes_later_once(env, tmp_path):
    effects = tmp_path / "effects.log"
    job = job_enqueue(job_tasks.record_task, path=str(effects), label="slow", sleep=3)

    with worker("worker", env=env) as doomed:
        eventually(lambda: _lines(effects), what="the task started")
        doomed.kill()
    assert _done(effects) == []

    with worker("worker", "--beat", env=env):
        eventually(lambda: _done(effects), timeout=30, what="the task completed")

    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.SUCCEEDED, 2)
    started = [line for line in _lines(effects) if line.startswith("started")]
    assert len(started) == 2
    assert _done(effects) == ["done slow"]


def test_sigterm_lets_the_running_task_finish(env, tmp_path):
    effects = tmp_path / "effects.log"
    job = job_enqueue(job_tasks.record_task, path=str(effects), label="t", sleep=2)

    with worker("worker", env=env) as running:
        eventually(lambda: _lines(effects), what="the task started")
        assert running.terminate() == 0

    assert _done(effects) == ["done t"]
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.SUCCEEDED, 1)


def test_a_task_longer_than_its_lease_is_never_started_twice(env, tmp_path):
    effects = tmp_path / "effects.log"
    # 4 s of work against a 1.5 s lease: only the heartbeat keeps it owned.
    job = job_enqueue(job_tasks.record_task, path=str(effects), label="long", sleep=4)

    with worker("worker", "--beat", env=env), worker("worker", "--beat", env=env):
        eventually(lambda: _done(effects), timeout=30, what="the task completed")
        time.sleep(2)  # a wrongful take-over would start it again by now

    started = [line for line in _lines(effects) if line.startswith("started")]
    assert len(started) == 1
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.SUCCEEDED, 1)
