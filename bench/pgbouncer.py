"""Benchmark: 500 concurrent clients on 4 web processes, through PgBouncer and direct.

The same server (`deploy/serve`, WEB_WORKERS=4) twice in one run, on the
same database: first with direct connections (Django's pool per process),
then behind a private PgBouncer in transaction mode with the blueprint's
numbers (tests/support/pgbouncer.py: default_pool_size 25, reserve 5,
max_client_conn 10,000) and DATABASE_POOLER=pgbouncer. Each process's pool
is raised to DB_POOL_MAX_SIZE=16 (and its active requests to 32), so the
application wants 64 connections, more than PgBouncer's 30: that is the
blueprint's situation, many application connections over few backends.
wrk drives 500 connections at a products page (response cache off: every
request runs its SQL); a sampler counts PostgreSQL client backends on the
database every 100 ms.

    uv run python -m bench.pgbouncer                 # needs PostgreSQL, pgbouncer, wrk
    uv run python -m bench.pgbouncer --duration 20 --connections 500
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil
import psycopg

from bench.jobs import fresh_database
from bench.run import QUERY, load, server_env, wait_until_up
from tests.support.pgbouncer import POOL_SIZE, RESERVE, private_pgbouncer

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "fash_bench_pgbouncer"
# Per web process: connections its pool may open, requests it works on at once.
POOL_PER_PROCESS = 16
ACTIVE_PER_PROCESS = 32


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=500)
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8098)
    return parser.parse_args()


class BackendSampler:
    """The most PostgreSQL client backends on DATABASE, sampled every 100 ms."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> BackendSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        url = "postgresql://postgres@127.0.0.1:5432/postgres"
        with psycopg.connect(url, autocommit=True) as conn:
            while not self._stop.is_set():
                row = conn.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = %s "
                    "AND backend_type = 'client backend' AND pid <> pg_backend_pid()",
                    [DATABASE],
                ).fetchone()
                self.peak = max(self.peak, row[0] if row else 0)
                time.sleep(0.1)


def prepare() -> str:
    """A fresh database with the demo catalog; return its direct URL."""
    url = fresh_database(DATABASE)
    env = server_env(argparse.Namespace(workers=1, pool_max=None), url, 0)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([*manage, "seed_demo"], cwd=ROOT, env=env, check=True)
    return url


def measure(args: argparse.Namespace, url: str, pooler: str | None) -> dict[str, Any]:
    """Serve on `url` and load it; return wrk's figures and the backend peak."""
    shape = argparse.Namespace(workers=args.workers, pool_max=POOL_PER_PROCESS)
    env = server_env(shape, url, args.port)
    env["WEB_MAX_ACTIVE_REQUESTS"] = str(ACTIVE_PER_PROCESS)
    env.pop("REDIS_URL", None)
    if pooler:
        env["DATABASE_POOLER"] = pooler
    server = subprocess.Popen([str(ROOT / "deploy" / "serve")], cwd=ROOT, env=env)
    body = json.dumps({"query": QUERY, "variables": {"first": 20}})
    target = {"method": "POST", "path": "/graphql/", "body": body}
    try:
        wait_until_up(args.port)
        root = psutil.Process(server.pid)
        # 500 clients on 2 cores wait seconds in line (the app queues instead of
        # refusing): wrk's 2 s default would count them as errors.
        load(target, args.port, args, root, duration=3, timeout=60)  # warm up
        with BackendSampler() as backends:
            stats = load(target, args.port, args, root, args.duration, timeout=60)
        stats["backends"] = backends.peak
        return stats
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    args = parse_args()
    direct_url = prepare()
    results = {"direct": measure(args, direct_url, None)}
    with private_pgbouncer(postgres_port=5432, user="postgres") as bouncer:
        results["pgbouncer"] = measure(args, bouncer.url(DATABASE), "pgbouncer")
    report(args, results)


def report(args: argparse.Namespace, results: dict[str, dict[str, Any]]) -> None:
    print(
        f"# bench.pgbouncer {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
        f"{platform.node()}, {args.connections} connections, {args.workers} web "
        f"processes x pool {POOL_PER_PROCESS}, {args.duration} s each"
    )
    print("| connections | req/s | p95 | errors | peak PostgreSQL backends |")
    print("|---|---|---|---|---|")
    for name, stats in results.items():
        errors = stats["socket_errors"] + stats["non2xx"]
        print(
            f"| {name} | {stats['rps']:.0f} | {stats['p95_us'] / 1000:.0f} ms "
            f"| {errors} | {stats['backends']} |"
        )
    direct, pooled = results["direct"], results["pgbouncer"]
    print(
        f"PgBouncer / direct: throughput {pooled['rps'] / direct['rps']:.2f}x, "
        f"p95 {pooled['p95_us'] / direct['p95_us']:.2f}x; "
        f"PgBouncer's bound: {POOL_SIZE} + {RESERVE} = {POOL_SIZE + RESERVE} backends"
    )


if __name__ == "__main__":
    main()
