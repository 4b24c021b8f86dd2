"""Benchmark: the floor of a GraphQL request, and a cached page, against plain Django.

One server (deploy/serve, production settings, Redis for the response cache
and the cost buckets), three endpoints loaded with wrk in alternating rounds:

- **plain**: `GET /bench/plain`, an async view returning a small JsonResponse
  through the same middleware: the least any JSON answer costs here;
- **typename**: `POST /graphql/ { __typename }`, the least a GraphQL request costs;
- **cached page**: an anonymous `GET /graphql/?query=...` of the products page
  (bench/run.py's query, 50 products), answered from the response cache after
  the first request (docs/caching.md).

Reports throughput and server CPU per request, each as a ratio of plain's.

    uv run python -m bench.floor                # needs PostgreSQL, redis-server, wrk
    uv run python -m bench.floor --duration 8 --rounds 3 --skip-seed
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import urllib.parse
from typing import Any

import psutil

from bench.run import (
    QUERY,
    ROOT,
    ensure_database,
    load,
    manage,
    server_env,
    wait_until_up,
)
from bench.run import free_port as run_free_port
from tests.support.redis import private_redis


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=2000)
    parser.add_argument("--first", type=int, default=50)
    parser.add_argument("--duration", type=int, default=8, help="seconds per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--pool-max", type=int, default=None)
    parser.add_argument("--database", default="fashionistar_bench")
    parser.add_argument("--skip-seed", action="store_true")
    return parser.parse_args()


def targets(first: int) -> dict[str, dict[str, str]]:
    query = urllib.parse.urlencode(
        {"query": QUERY, "variables": json.dumps({"first": first})}
    )
    return {
        "plain": {"method": "GET", "path": "/bench/plain"},
        "typename": {
            "method": "POST",
            "path": "/graphql/",
            "body": json.dumps({"query": "{ __typename }"}),
        },
        "cached page": {"method": "GET", "path": f"/graphql/?{query}"},
    }


def main() -> None:
    args = parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    database_url = ensure_database(args.database)
    port = run_free_port()
    with private_redis() as redis:
        env = {
            **server_env(args, database_url, port),
            "REDIS_URL": redis.url,
            "GRAPHQL_RESPONSE_CACHE": "on",
        }
        if not args.skip_seed:
            manage(env, "migrate", "--noinput")
            manage(env, "seed_demo", "--products", str(args.products), "--seed", "42")
        runs = measure(args, env, port)
    report(args, runs)


def measure(
    args: argparse.Namespace, env: dict[str, str], port: int
) -> dict[str, list[dict[str, Any]]]:
    wanted = targets(args.first)
    server = subprocess.Popen([str(ROOT / "deploy" / "serve")], cwd=ROOT, env=env)
    try:
        wait_until_up(port)
        proc = psutil.Process(server.pid)
        for target in wanted.values():  # warm up, and fill the cache
            load(target, port, args, proc, duration=3)
        runs: dict[str, list[dict[str, Any]]] = {name: [] for name in wanted}
        for round_no in range(args.rounds):
            order = list(wanted)[round_no % 3 :] + list(wanted)[: round_no % 3]
            for name in order:
                runs[name].append(load(wanted[name], port, args, proc, args.duration))
    finally:
        server.terminate()
        server.wait(timeout=30)
    return runs


def report(args: argparse.Namespace, runs: dict[str, list[dict[str, Any]]]) -> None:
    medians = {
        name: {
            key: statistics.median(r[key] for r in results)
            for key in ("rps", "p50_us", "p95_us", "cpu_ms_per_request", "non2xx")
        }
        for name, results in runs.items()
    }
    plain = medians["plain"]
    print(
        f"{args.workers} workers, {args.connections} connections, "
        f"{args.rounds}x{args.duration}s rounds (medians)"
    )
    print(
        "| endpoint | req/s | p50 ms | p95 ms | server CPU ms/req | throughput vs plain |"
    )
    print("|---|---|---|---|---|---|")
    for name, m in medians.items():
        print(
            f"| {name} | {m['rps']:.0f} | {m['p50_us'] / 1000:.1f} | "
            f"{m['p95_us'] / 1000:.1f} | {m['cpu_ms_per_request']:.2f} | "
            f"{m['rps'] / plain['rps']:.2f}x |"
        )
    if any(m["non2xx"] for m in medians.values()):
        print("WARNING: non-2xx answers during the run")


if __name__ == "__main__":
    main()
