"""deploy/worker: one worker per queue plus the beat, stopped as one."""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile

import httpx
import psutil
import pytest

from apps.jobs.models import Job, JobStatus
from apps.jobs.outbox import job_enqueue
from config.settings.tasks import TASK_BACKEND_CONFIGS
from tests.support import job_tasks
from tests.support.live_server import ROOT, free_port
from tests.support.workers import eventually, job_environment

pytestmark = [pytest.mark.system, pytest.mark.slow]


def test_deploy_worker_serves_every_queue_and_stops_cleanly_on_sigterm(
    transactional_db, settings, tmp_path
):
    metrics_port = free_port()
    settings.TASKS = {"default": TASK_BACKEND_CONFIGS["database"]}
    effects = tmp_path / "effects.log"
    for queue in ("emails", "critical", "analytics"):
        job_enqueue(
            job_tasks.record_task.using(queue_name=queue),
            path=str(effects),
            label=queue,
        )

    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [str(ROOT / "deploy" / "worker")],
            cwd=ROOT,
            env=job_environment(
                TASKS_BACKEND="database", METRICS_PORT=str(metrics_port)
            ),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            eventually(
                lambda: (
                    Job.objects.filter(
                        status=JobStatus.SUCCEEDED,
                        task_path=job_tasks.record_task.module_path,
                    ).count()
                    == 3
                ),
                timeout=60,
                what="one job on each queue done",
            )
            children = psutil.Process(process.pid).children()
            assert len(children) == 5  # three workers, the beat, the metrics
            # Three worker processes each ran one job; one scrape counts all.
            ran = eventually(
                lambda: _jobs_counted(metrics_port) == 3,
                what="the metrics count the three jobs",
            )
            assert ran

            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=30) == 0
            assert not any(
                child.is_running() and child.status() != psutil.STATUS_ZOMBIE
                for child in children
            )
        except BaseException as error:
            log.seek(0)
            error.add_note(log.read().decode("utf-8", "replace"))
            raise
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    assert sorted(
        line.split()[1]
        for line in effects.read_text().splitlines()
        if line.startswith("done")
    ) == [
        "analytics",
        "critical",
        "emails",
    ]


def _jobs_counted(port: int) -> float:
    text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text
    prefix = 'fashionistar_job_duration_seconds_count{outcome="succeeded",task="tests.support.job_tasks.record_task"}'
    return sum(
        float(line.rpartition(" ")[2])
        for line in text.splitlines()
        if line.startswith(prefix)
    )


def test_deploy_worker_runs_only_the_queues_it_is_named(transactional_db):
    process = subprocess.Popen(
        [str(ROOT / "deploy" / "worker"), "emails", "beat"],
        cwd=ROOT,
        env=job_environment(TASKS_BACKEND="database"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        children = eventually(
            lambda: _exactly(2, psutil.Process(process.pid).children()),
            timeout=30,
            what="two processes started",
        )
        commands = sorted(" ".join(child.cmdline()[1:]) for child in children)
        assert commands == ["manage.py jobs_beat", "manage.py worker --queue emails"]

        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def test_deploy_worker_refuses_an_unknown_queue_with_status_2():
    result = subprocess.run(
        [str(ROOT / "deploy" / "worker"), "emails", "reports"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )

    assert result.returncode == 2
    assert result.stderr == (
        "deploy/worker: unknown queue 'reports'; "
        "choose from: emails critical analytics beat\n"
    )


def _exactly(count: int, processes: list[psutil.Process]) -> list[psutil.Process]:
    """`processes` when there are `count` of them, else none (to poll again)."""
    return processes if len(processes) == count else []
