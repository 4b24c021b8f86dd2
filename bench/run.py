"""Benchmark: GraphQL products query vs the hand-written JSON endpoint.

Seeds PostgreSQL, serves the app with deploy/serve (Granian, as in production),
loads both endpoints with wrk in alternating rounds, and reports throughput,
latency percentiles, server CPU per request and SQL queries per request, with
GraphQL as a ratio of the baseline measured in the same run.

    make bench                       # defaults below
    uv run python -m bench.run --products 2000 --first 50 --duration 10
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil
import psycopg

ROOT = Path(__file__).resolve().parent.parent
QUERY = (
    "query ($first: Int!) { products(first: $first) { edges { node { name "
    "category { name } variants { sku size colour available } } } } }"
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=2000)
    parser.add_argument("--first", type=int, default=50)
    parser.add_argument("--duration", type=int, default=10, help="seconds per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--pool-max", type=int, default=None, help="DB_POOL_MAX_SIZE")
    parser.add_argument("--database", default="fashionistar_bench")
    parser.add_argument("--skip-seed", action="store_true")
    return parser.parse_args()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ensure_database(name: str) -> str:
    with psycopg.connect(
        "postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True
    ) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgres://postgres@127.0.0.1:5432/{name}"


def server_env(
    args: argparse.Namespace, database_url: str, port: int
) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": "bench-" + "x" * 60,
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
        "WEB_WORKERS": str(args.workers),
        "PORT": str(port),
        # wrk is one client at one address, far past its cost bucket: measure
        # the work of a page, not 429s (the cost is still priced and counted).
        "GRAPHQL_COST_BUCKET_CAPACITY": str(10**9),
        "GRAPHQL_COST_BUCKET_RESTORE_RATE": str(10**9),
        # Measure executing the page; bench/floor.py measures the cached page.
        "GRAPHQL_RESPONSE_CACHE": "off",
    }
    if args.pool_max:
        env["DB_POOL_MAX_SIZE"] = str(args.pool_max)
    return env


def manage(env: dict[str, str], *argv: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *argv],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


def query_counts(env: dict[str, str], first: int) -> dict[str, int]:
    script = f"""
import json, django
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
client = Client()
body = json.dumps({{"query": {QUERY!r}, "variables": {{"first": {first}}}}})
counts = {{}}
for name, call in (
    ("graphql", lambda: client.post("/graphql/", body, content_type="application/json")),
    ("baseline", lambda: client.get("/bench/products?first={first}")),
):
    call()
    with CaptureQueriesContext(connection) as ctx:
        response = call()
    assert response.status_code == 200, response.content[:300]
    counts[name] = len(ctx.captured_queries)
print(json.dumps(counts))
"""
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def wait_until_up(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(
                f"http://127.0.0.1:{port}/health/live", timeout=1
            ):
                return
        except OSError:
            time.sleep(0.2)
    msg = "server did not come up"
    raise RuntimeError(msg)


def cpu_seconds(process: psutil.Process) -> float:
    total = 0.0
    for proc in [process, *process.children(recursive=True)]:
        try:
            times = proc.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


def load(
    target: dict[str, str],
    port: int,
    args: argparse.Namespace,
    server: psutil.Process,
    duration: int,
    timeout: int = 2,
) -> dict[str, Any]:
    env = {
        **os.environ,
        "BENCH_METHOD": target["method"],
        "BENCH_BODY": target.get("body", ""),
    }
    before = cpu_seconds(server)
    out = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{args.connections}",
            f"-d{duration}s",
            f"--timeout={timeout}s",  # wrk counts a slower answer as an error
            "-s",
            str(ROOT / "bench" / "wrk.lua"),
            f"http://127.0.0.1:{port}{target['path']}",
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    cpu = cpu_seconds(server) - before
    line = next(line for line in out.splitlines() if line.startswith("BENCH "))
    stats: dict[str, Any] = json.loads(line.removeprefix("BENCH "))
    stats["rps"] = stats["requests"] / (stats["duration_us"] / 1e6)
    stats["cpu_ms_per_request"] = cpu * 1000 / max(stats["requests"], 1)
    return stats


def main() -> None:
    args = parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    database_url = ensure_database(args.database)
    port = free_port()
    env = server_env(args, database_url, port)
    if not args.skip_seed:
        manage(env, "migrate", "--noinput")
        manage(
            env,
            "seed_demo",
            "--products",
            str(args.products),
            "--seed",
            "42",
            "--no-progress",
        )
    counts = query_counts(env, args.first)
    body = json.dumps({"query": QUERY, "variables": {"first": args.first}})
    targets = {
        "baseline": {"method": "GET", "path": f"/bench/products?first={args.first}"},
        "graphql": {"method": "POST", "path": "/graphql/", "body": body},
    }
    server = subprocess.Popen([str(ROOT / "deploy" / "serve")], cwd=ROOT, env=env)
    try:
        wait_until_up(port)
        proc = psutil.Process(server.pid)
        for target in targets.values():  # warm caches, pools and imports
            load(target, port, args, proc, duration=3)
        runs: dict[str, list[dict[str, Any]]] = {name: [] for name in targets}
        for round_no in range(args.rounds):
            order = list(targets) if round_no % 2 == 0 else list(reversed(targets))
            for name in order:
                runs[name].append(load(targets[name], port, args, proc, args.duration))
    finally:
        server.terminate()
        server.wait(timeout=30)
    report(args, counts, runs)


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


def summarize(results: list[dict[str, Any]]) -> dict[str, float]:
    return {
        key: statistics.median(r[key] for r in results)
        for key in (
            "rps",
            "p50_us",
            "p95_us",
            "p99_us",
            "cpu_ms_per_request",
            "non2xx",
            "socket_errors",
        )
    }


def report(
    args: argparse.Namespace,
    counts: dict[str, int],
    runs: dict[str, list[dict[str, Any]]],
) -> None:
    summary = {name: summarize(results) for name, results in runs.items()}
    base, gql = summary["baseline"], summary["graphql"]
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": (
            f"{platform.machine()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}, {cpu_model()}"
        ),
        "args": vars(args),
        "sql_queries_per_request": counts,
        "summary": summary,
        "ratio_throughput": gql["rps"] / base["rps"],
        "runs": runs,
    }
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(exist_ok=True)
    (out_dir / f"{result['when'].replace(':', '')}.json").write_text(
        json.dumps(result, indent=2)
    )
    print(
        f"products(first: {args.first}), {args.products} products, {args.workers} workers, "
        f"{args.connections} connections, {args.rounds}x{args.duration}s rounds (medians)"
    )
    print(
        "| endpoint | req/s | p50 ms | p95 ms | p99 ms | server CPU ms/req | SQL queries |"
    )
    print("|---|---|---|---|---|---|---|")
    for name in ("baseline", "graphql"):
        s = summary[name]
        print(
            f"| {name} | {s['rps']:.0f} | {s['p50_us'] / 1000:.1f} | {s['p95_us'] / 1000:.1f} | "
            f"{s['p99_us'] / 1000:.1f} | {s['cpu_ms_per_request']:.1f} | {counts[name]} |"
        )
    print(
        f"GraphQL throughput = {result['ratio_throughput']:.2f}x baseline; "
        f"CPU per request = {gql['cpu_ms_per_request'] / base['cpu_ms_per_request']:.2f}x baseline"
    )
    if gql["non2xx"] or base["non2xx"] or gql["socket_errors"] or base["socket_errors"]:
        print("WARNING: errors during the run; see the JSON result")


if __name__ == "__main__":
    main()
