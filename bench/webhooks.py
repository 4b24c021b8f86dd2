"""Benchmark: Stripe webhook acknowledgements per second and p95, PostgreSQL.

Serves the app with deploy/serve (Granian, production settings, Redis task
backend on a private Redis), posts distinct, genuinely signed
`payment_intent.succeeded` events with wrk, and compares with `/health/live`
(no database) measured in the same run, rounds alternating. Each
acknowledgement verifies the signature, stores the event and its outbox job
in one transaction, and relays the job to Redis; processing is not part of
it (no worker runs).

    uv run python -m bench.webhooks            # needs PostgreSQL, redis-server, wrk
    uv run python -m bench.webhooks --duration 10 --rounds 3 --connections 16
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.jobs import fresh_database
from bench.run import free_port, wait_until_up
from tests.support.redis import private_redis

ROOT = Path(__file__).resolve().parent.parent
SECRET = "whsec_bench_" + "x" * 24
THREADS = 4
BLOCK = 15_000  # events per wrk thread per round: far more than it can send


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--database", default="fashionistar_bench_webhooks")
    return parser.parse_args()


def signed_events(count: int, path: Path) -> None:
    """Write `count` distinct signed events, one "<signature>\\t<body>" a line."""
    import stripe

    stamp = int(time.time())
    with path.open("w") as out:
        for n in range(count):
            body = json.dumps(
                {
                    "id": f"evt_bench_{n:08d}",
                    "object": "event",
                    "type": "payment_intent.succeeded",
                    "data": {
                        "object": {
                            "id": f"pi_bench_{n:08d}",
                            "object": "payment_intent",
                            "amount": 4999,
                            "amount_received": 4999,
                            "currency": "usd",
                            "latest_charge": f"ch_bench_{n:08d}",
                        }
                    },
                },
                separators=(",", ":"),
            )
            signature = stripe.WebhookSignature.generate_signature_header(
                body, SECRET, stamp
            )
            out.write(f"{signature}\t{body}\n")


def load(
    args: argparse.Namespace, port: int, target: str, events: Path, offset: int
) -> dict[str, Any]:
    env = {**os.environ, "BENCH_EVENTS": str(events)}
    command = [
        "wrk",
        f"--threads={THREADS}",
        f"--connections={args.connections}",
        f"--duration={args.duration}s",
        "--latency",
    ]
    if target == "webhook":
        command += [
            "--script",
            str(ROOT / "bench" / "webhooks.lua"),
            f"http://127.0.0.1:{port}/webhooks/stripe/",
            "--",
            str(offset),
        ]
    else:
        command += [
            "--script",
            str(ROOT / "bench" / "wrk.lua"),
            f"http://127.0.0.1:{port}/health/live",
        ]
    out = subprocess.run(
        command, env=env, check=True, capture_output=True, text=True
    ).stdout
    line = next(line for line in out.splitlines() if line.startswith("BENCH "))
    result: dict[str, Any] = json.loads(line.removeprefix("BENCH "))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def main() -> None:
    args = parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    database_url = fresh_database(args.database)
    port = free_port()
    with private_redis() as redis, tempfile.TemporaryDirectory() as scratch:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis.url,
            "DEBUG": "false",
            "SECRET_KEY": "bench-" + "x" * 60,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "STRIPE_WEBHOOK_SECRET": SECRET,
            "PAYSTACK_SECRET_KEY": "sk_bench",
            "LOG_LEVEL": "WARNING",
            "WEB_WORKERS": str(args.workers),
            "PORT": str(port),
        }
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        events = Path(scratch) / "events.tsv"
        signed_events(args.rounds * THREADS * BLOCK, events)
        server = subprocess.Popen([str(ROOT / "deploy" / "serve")], cwd=ROOT, env=env)
        runs: dict[str, list[dict[str, Any]]] = {"health": [], "webhook": []}
        try:
            wait_until_up(port)
            offset = 0
            load(args, port, "health", events, 0)  # warm up
            for round_no in range(args.rounds):
                order = (
                    ["health", "webhook"]
                    if round_no % 2 == 0
                    else ["webhook", "health"]
                )
                for target in order:
                    result = load(args, port, target, events, offset)
                    if target == "webhook":
                        offset += THREADS * BLOCK
                    runs[target].append(result)
        finally:
            server.terminate()
            server.wait(timeout=30)
    stored = _stored(database_url)
    report(args, runs, stored)


def _stored(database_url: str) -> int:
    import psycopg

    with psycopg.connect(database_url.replace("postgres://", "postgresql://")) as conn:
        row = conn.execute("SELECT count(*) FROM payments_webhookevent").fetchone()
    return int(row[0]) if row else 0


def report(
    args: argparse.Namespace, runs: dict[str, list[dict[str, Any]]], stored: int
) -> None:
    def median(target: str, key: str) -> float:
        return statistics.median(run[key] for run in runs[target])

    def ms(target: str, key: str) -> str:
        return f"{median(target, key) / 1000:.1f} ms"

    print(
        f"# {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}, {platform.node()}, "
        f"{os.cpu_count()} CPUs, {args.workers} server workers, "
        f"{args.connections} connections, {args.rounds} x {args.duration} s rounds, "
        "PostgreSQL + private Redis"
    )
    print("| endpoint | req/s | p50 | p95 | p99 | non-2xx |")
    print("|---|---|---|---|---|---|")
    labels = {
        "health": "GET /health/live (baseline)",
        "webhook": "POST /webhooks/stripe/",
    }
    for target, label in labels.items():
        errors = sum(run["non2xx"] for run in runs[target])
        print(
            f"| {label} | {median(target, 'rps'):.0f} | {ms(target, 'p50_us')} | "
            f"{ms(target, 'p95_us')} | {ms(target, 'p99_us')} | {errors} |"
        )
    acknowledged = sum(run["requests"] for run in runs["webhook"])
    throughput = median("webhook", "rps") / median("health", "rps")
    p95 = median("webhook", "p95_us") / median("health", "p95_us")
    print(
        f"webhook / baseline: throughput {throughput:.2f}x, p95 {p95:.2f}x; "
        f"distinct events stored: {stored} of {acknowledged} acknowledged"
    )


if __name__ == "__main__":
    main()
