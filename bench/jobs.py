"""Benchmark: 1,000 jobs across three queues, two workers, Redis and PostgreSQL.

Runs the same load twice in one run: through the outbox (`job_enqueue`, the
way the app enqueues) and straight to django-tasks-redis (`task.enqueue`, the
baseline without the outbox). Each load: 1,000 no-op tasks, one transaction
each, spread over the emails, critical and analytics queues, while two
`manage.py worker` processes (all queues) drain them. Reports throughput
(jobs finished per second, first enqueue to last finish), enqueue-to-start
latency p50/p95, and the outbox as a ratio of the baseline. It also checks
that every job ran exactly once.

    uv run python -m bench.jobs                 # needs PostgreSQL and redis-server
    uv run python -m bench.jobs --jobs 1000 --workers 2
"""

from __future__ import annotations

import argparse
import os
import platform
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import psycopg

from tests.support.redis import private_redis

ROOT = Path(__file__).resolve().parent.parent
QUEUES = ("emails", "critical", "analytics")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--rate", type=float, default=100, help="jobs/s of the paced load"
    )
    parser.add_argument("--database", default="fashionistar_bench_jobs")
    return parser.parse_args()


def fresh_database(name: str) -> str:
    with psycopg.connect(
        "postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgres://postgres@127.0.0.1:5432/{name}"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def wait_for(check: Callable[[], bool], timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError("the workers did not finish in time")
        time.sleep(0.2)


def paced(count: int, rate: float | None) -> Iterator[int]:
    """Yield 0..count-1, at `rate` per second (None: as fast as possible)."""
    start = time.perf_counter()
    for n in range(count):
        if rate:
            delay = start + n / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
        yield n


def outbox_load(count: int, rate: float | None) -> dict[str, float]:
    from django.db import transaction

    from apps.jobs.models import Job, JobStatus
    from apps.jobs.outbox import job_enqueue
    from bench.tasks import noop_task

    def enqueue(n: int) -> None:
        with transaction.atomic():
            job_enqueue(noop_task.using(queue_name=QUEUES[n % 3]), sent=time.time())

    def done() -> bool:
        return bool(
            Job.objects.filter(status=JobStatus.SUCCEEDED, task_path=path).count()
            == count
        )

    path = "bench.tasks.noop_task"
    Job.objects.all().delete()
    row = load(count, rate, enqueue, done)
    attempts = set(
        Job.objects.filter(task_path=path).values_list("attempts", flat=True)
    )
    assert attempts == {1}, f"a job ran more than once: attempts {attempts}"
    return row


def direct_load(count: int, rate: float | None) -> dict[str, float]:
    from bench.tasks import noop_direct_task

    def enqueue(n: int) -> None:
        noop_direct_task.using(queue_name=QUEUES[n % 3]).enqueue(sent=time.time())

    return load(count, rate, enqueue, lambda: _starts_count() >= count)


def _starts_count() -> int:
    from bench.tasks import STARTS, _client

    return int(_client().llen(STARTS))


def load(
    count: int,
    rate: float | None,
    enqueue: Callable[[int], None],
    done: Callable[[], bool],
) -> dict[str, float]:
    """Enqueue `count` jobs at `rate`, wait until `done`, summarise the starts."""
    from bench.tasks import STARTS, _client

    _client().delete(STARTS)
    enqueue_seconds = 0.0
    for n in paced(count, rate):
        started = time.perf_counter()
        enqueue(n)
        enqueue_seconds += time.perf_counter() - started
    wait_for(done)
    wait_for(lambda: _starts_count() >= count)
    starts = [entry.split() for entry in _client().lrange(STARTS, 0, -1)]
    assert len(starts) == count, f"{len(starts)} runs for {count} jobs"
    latencies = [float(latency) * 1000 for latency, _ in starts]
    moments = [float(moment) for _, moment in starts]
    return {
        "jobs": count,
        "enqueue_ms": enqueue_seconds / count * 1000,
        "span_s": max(moments) - min(moments),
        "throughput_per_s": count / max(max(moments) - min(moments), 1e-9),
        "p50_ms": statistics.median(latencies),
        "p95_ms": percentile(latencies, 0.95),
    }


def main() -> None:
    args = parse_args()
    with private_redis() as redis:
        results = run_loads(args, redis.url)
    report(args, results)


def run_loads(args: argparse.Namespace, redis_url: str) -> dict[str, dict[str, float]]:
    """Migrate a fresh database, start the workers, run the four loads."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": fresh_database(args.database),
        "REDIS_URL": redis_url,
        "TASKS_BACKEND": "redis",
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True
    )
    import django

    django.setup()
    workers = [
        subprocess.Popen(
            [sys.executable, "manage.py", "worker"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        for _ in range(args.workers)
    ]
    try:
        time.sleep(2)  # workers up and blocked on their streams
        results = {}
        for label, rate in (("burst", None), (f"{args.rate:g}/s", args.rate)):
            results[f"direct, {label}"] = direct_load(args.jobs, rate)
            results[f"outbox, {label}"] = outbox_load(args.jobs, rate)
        return results
    finally:
        for worker in workers:
            os.killpg(worker.pid, signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=30)


def report(args: argparse.Namespace, results: dict[str, dict[str, float]]) -> None:
    print(
        f"# {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}, {platform.node()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    print(
        f"{args.jobs} no-op jobs per load over {', '.join(QUEUES)}; "
        f"{args.workers} workers (all queues each); private Redis + PostgreSQL 15"
    )
    print(
        "| path, load | jobs | enqueue cost | started/s | enqueue-to-start p50 | p95 |"
    )
    print("|---|---|---|---|---|---|")
    for name, row in results.items():
        print(
            f"| {name} | {row['jobs']:.0f} | {row['enqueue_ms']:.2f} ms | "
            f"{row['throughput_per_s']:.0f} | {row['p50_ms']:.1f} ms | "
            f"{row['p95_ms']:.1f} ms |"
        )
    for label in ("burst", f"{args.rate:g}/s"):
        direct, outbox = results[f"direct, {label}"], results[f"outbox, {label}"]
        print(
            f"outbox / direct ({label}): throughput "
            f"{outbox['throughput_per_s'] / direct['throughput_per_s']:.2f}x, "
            f"enqueue cost {outbox['enqueue_ms'] / direct['enqueue_ms']:.2f}x, "
            f"p50 {outbox['p50_ms'] / direct['p50_ms']:.2f}x, "
            f"p95 {outbox['p95_ms'] / direct['p95_ms']:.2f}x"
        )


if __name__ == "__main__":
    main()
