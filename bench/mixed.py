"""Benchmark: a mixed load of 100 users with Locust, at 1 and 2 web processes.

Seeds a PostgreSQL database (2,000 products and 300 verified customers),
starts a private Redis, the task worker (`deploy/worker`: emails, payments)
and `deploy/serve` with production settings, then runs bench/locustfile.py
headless: 100 users, of whom 70 % browse and filter with facets, 15 % open
a product, 10 % sign in and list their orders, and 5 % place an order whose
Stripe webhook arrives and wait until it is paid. It prints p50, p95,
requests and failures per operation, per process count; the bar is 0
failures. Raw Locust CSVs go to bench/results/.

    uv run --group bench python -m bench.mixed          # needs PostgreSQL, redis-server
    uv run --group bench python -m bench.mixed --users 100 --duration 60 --processes 1 2

Each user sends from its own address (X-Forwarded-For, with the server
trusting one proxy hop), as users behind a proxy do; no limit is lifted.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.jobs import fresh_database
from bench.run import free_port, manage, wait_until_up
from tests.support.redis import private_redis

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SECRET = "whsec_mixed_" + "x" * 24
PASSWORD = "correct horse battery staple"
CUSTOMERS = 300


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--spawn-rate", type=float, default=20)
    parser.add_argument("--duration", type=int, default=60, help="seconds per run")
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--skip-seed", action="store_true")
    parser.add_argument("--products", type=int, default=2000)
    parser.add_argument("--database", default="fashionistar_bench_mixed")
    return parser.parse_args()


def seed(env: dict[str, str], products: int) -> None:
    manage(env, "migrate", "--noinput")
    manage(env, "seed_demo", "--products", str(products), "--seed", "42")
    script = f"""
import django
django.setup()
from django.contrib.auth.hashers import make_password
from django.utils import timezone
from apps.accounts.models import User
encoded = make_password({PASSWORD!r})  # one hash for all: seeding stays quick
User.objects.bulk_create(
    User(email=f"mixed{{n}}@example.com", password=encoded,
         email_verified_at=timezone.now(), is_active=True)
    for n in range({CUSTOMERS})
)
"""
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True)
    manage(env, "dbshell", "--", "-c", "ANALYZE")


def server_env(
    database_url: str, redis_url: str, port: int, mail: Path
) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DEBUG": "false",
        "SECRET_KEY": "bench-" + "x" * 60,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
        "PORT": str(port),
        "PAYMENTS_ADAPTER": "simulated",
        "STRIPE_WEBHOOK_SECRET": SECRET,
        "PAYSTACK_SECRET_KEY": "sk_bench",
        "AUTH_TRUSTED_PROXY_HOPS": "1",
        "EMAIL_URL": f"filemail://{mail}",  # one file per email, not the console
    }


def run(
    args: argparse.Namespace, env: dict[str, str], processes: int, first_account: int
) -> list[dict[str, Any]]:
    """Serve with `processes` workers, run Locust, return its rows per operation."""
    port = int(env["PORT"])
    stamp = f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{processes}p"
    prefix = RESULTS / f"mixed-{stamp}"
    RESULTS.mkdir(exist_ok=True)
    serve_env = {**env, "WEB_WORKERS": str(processes)}
    worker = subprocess.Popen([str(ROOT / "deploy" / "worker")], cwd=ROOT, env=env)
    server = subprocess.Popen([str(ROOT / "deploy" / "serve")], cwd=ROOT, env=serve_env)
    try:
        wait_until_up(port)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "locust",
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "--only-summary",
                "--users",
                str(args.users),
                "--spawn-rate",
                str(args.spawn_rate),
                "--run-time",
                f"{args.duration}s",
                "--host",
                f"http://127.0.0.1:{port}",
                "--csv",
                str(prefix),
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env={
                **os.environ,
                "STRIPE_WEBHOOK_SECRET": SECRET,
                "MIXED_PASSWORD": PASSWORD,
                "MIXED_FIRST_ACCOUNT": str(first_account),
            },
            check=False,  # a run with failures exits 1; the table says why
        )
    finally:
        for process in (server, worker):
            process.terminate()
        for process in (server, worker):
            process.wait(timeout=60)
    return rows(Path(f"{prefix}_stats.csv"), Path(f"{prefix}_failures.csv"))


def rows(stats: Path, failures: Path) -> list[dict[str, Any]]:
    with stats.open() as handle:
        found = [
            {
                "operation": row["Name"],
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "p50_ms": row["50%"],
                "p95_ms": row["95%"],
                "rps": round(float(row["Requests/s"]), 1),
            }
            for row in csv.DictReader(handle)
        ]
    with failures.open() as handle:
        for row in csv.DictReader(handle):
            print(f"  failure: {row['Name']}: {row['Error']} x {row['Occurrences']}")
    return found


def main() -> None:
    args = parse_args()
    database_url = (
        f"postgres://postgres@127.0.0.1:5432/{args.database}"
        if args.skip_seed
        else fresh_database(args.database)
    )
    port = free_port()
    with private_redis() as redis, tempfile.TemporaryDirectory() as mail:
        env = server_env(database_url, redis.url, port, Path(mail))
        if not args.skip_seed:
            started = time.monotonic()
            seed(env, args.products)
            print(f"seeded in {time.monotonic() - started:.0f} s")
        # Each run signs in with its own customers (CUSTOMERS // runs each).
        share = CUSTOMERS // len(args.processes)
        results = {
            n: run(args, env, n, first_account=i * share)
            for i, n in enumerate(args.processes)
        }
    machine = (
        f"{platform.node()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    print(f"\nMixed load: {args.users} users, {args.duration} s per run; {machine}")
    for processes, found in results.items():
        print(f"\n{processes} web process(es)")
        print("| operation | requests | failures | p50 ms | p95 ms | req/s |")
        print("|---|---|---|---|---|---|")
        for row in found:
            print(
                f"| {row['operation']} | {row['requests']} | {row['failures']} | "
                f"{row['p50_ms']} | {row['p95_ms']} | {row['rps']} |"
            )
    out = RESULTS / f"mixed-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    out.write_text(json.dumps({"machine": machine, "results": results}, indent=2))


if __name__ == "__main__":
    main()
