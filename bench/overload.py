"""Benchmark: one web process under a burst, queueing instead of failing.

Serves the app with deploy/serve (Granian, one worker, production settings
and password hasher) on a seeded PostgreSQL database and sends two bursts,
all requests at once:

- `--readers` (200) anonymous `products(first: 20)` queries;
- `--sign-ins` (100) `tokenCreate` calls, half right passwords, a quarter
  wrong, a quarter unknown emails, each from its own address, with
  `--side-reads` catalog queries spread over the same time.

For each it reports the statuses (the bar: every response 200), p50, p95 and
max latency, and the floor: the server CPU one such request costs when sent
alone, times the burst, divided by the cores. p95 / floor says how much of the
wait is queueing for the cores rather than anything else.

    uv run python -m bench.overload                 # needs PostgreSQL
    uv run python -m bench.overload --readers 200 --sign-ins 100 --skip-seed
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import psutil

from bench.run import cpu_seconds, ensure_database, free_port, manage, wait_until_up
from tests.support.sign_ins import sign_in_mix

ROOT = Path(__file__).resolve().parent.parent
PRODUCTS = (
    "{ products(first: 20) { edges { node { name variants { sku available } } } } }"
)
TOKEN_CREATE = (
    "mutation ($email: String!, $password: String!) "
    "{ tokenCreate(email: $email, password: $password) { accessToken errors { code } } }"
)
PASSWORD = "correct horse battery staple"
USERS = 10


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readers", type=int, default=200)
    parser.add_argument("--sign-ins", type=int, default=100)
    parser.add_argument("--side-reads", type=int, default=20)
    parser.add_argument("--products", type=int, default=500)
    parser.add_argument("--database", default="fashionistar_bench_overload")
    parser.add_argument("--skip-seed", action="store_true")
    parser.add_argument(
        "--active", type=int, default=None, help="WEB_MAX_ACTIVE_REQUESTS"
    )
    parser.add_argument("--pool-max", type=int, default=None, help="DB_POOL_MAX_SIZE")
    return parser.parse_args()


def server_env(database_url: str, port: int) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": "bench-" + "x" * 60,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
        "WEB_WORKERS": "1",
        "PORT": str(port),
        # Every sign-in names its own address (X-Forwarded-For), as clients
        # behind a proxy do, so no per-address sign-in bucket applies.
        "AUTH_TRUSTED_PROXY_HOPS": "1",
        # One client machine sends all readers: measure the work, not 429s.
        "GRAPHQL_COST_BUCKET_CAPACITY": str(10**9),
        "GRAPHQL_COST_BUCKET_RESTORE_RATE": str(10**9),
    }


def seed(env: dict[str, str], products: int) -> None:
    manage(env, "migrate", "--noinput")
    manage(env, "flush", "--noinput")
    manage(env, "seed_demo", "--products", str(products), "--seed", "42")
    script = f"""
import django
django.setup()
from django.utils import timezone
from apps.accounts.models import User
for n in range({USERS}):
    user = User.objects.create_user(email=f"load{{n}}@example.com", password={PASSWORD!r})
    user.email_verified_at = timezone.now()
    user.save()
"""
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True)


Call = Callable[[httpx.AsyncClient], Awaitable[httpx.Response]]


async def timed(
    client: httpx.AsyncClient, call: Call, delay: float = 0.0
) -> tuple[int, float]:
    """Send after `delay` s; return the status (299: 200 with errors) and latency."""
    await asyncio.sleep(delay)
    started = time.perf_counter()
    try:
        response = await call(client)
    except httpx.HTTPError:
        return -1, time.perf_counter() - started  # counted as an error: -1
    ok = response.status_code == 200 and "errors" not in response.json()
    status = response.status_code if ok or response.status_code != 200 else 299
    return status, time.perf_counter() - started


async def burst(url: str, calls: list[tuple[Call, float]]) -> list[tuple[int, float]]:
    """Send every call (after its delay) at once; return statuses and latencies."""
    limits = httpx.Limits(max_connections=len(calls))
    async with httpx.AsyncClient(base_url=url, timeout=300, limits=limits) as client:
        return await asyncio.gather(
            *(timed(client, call, delay) for call, delay in calls)
        )


def read(n: int) -> Call:
    def call(client: httpx.AsyncClient) -> Awaitable[httpx.Response]:
        return client.post(
            "/graphql/",
            json={"query": PRODUCTS},
            headers={"X-Forwarded-For": f"198.51.{n // 250}.{n % 250 + 1}"},
        )

    return call


def sign_in(n: int, email: str, password: str) -> Call:
    def call(client: httpx.AsyncClient) -> Awaitable[httpx.Response]:
        return client.post(
            "/graphql/",
            json={
                "query": TOKEN_CREATE,
                "variables": {"email": email, "password": password},
            },
            headers={"X-Forwarded-For": f"203.0.{n // 250}.{n % 250 + 1}"},
        )

    return call


def alone_cpu_ms(
    url: str, server: psutil.Process, make: Callable[[int], Call], n: int = 10
) -> float:
    """Server CPU of one request sent with nothing else running (ms, median)."""
    samples = []
    for i in range(n):
        before = cpu_seconds(server)
        asyncio.run(burst(url, [(make(i), 0.0)]))
        samples.append((cpu_seconds(server) - before) * 1000)
    return statistics.median(samples)


def summary(
    name: str, results: list[tuple[int, float]], floor_s: float
) -> dict[str, Any]:
    latencies = sorted(seconds for _, seconds in results)
    p95 = latencies[math.ceil(len(latencies) * 0.95) - 1]  # nearest rank
    return {
        "burst": name,
        "requests": len(results),
        "statuses": dict(Counter(status for status, _ in results)),
        "p50_s": round(statistics.median(latencies), 2),
        "p95_s": round(p95, 2),
        "max_s": round(latencies[-1], 2),
        "floor_s": round(floor_s, 2),
        "p95_over_floor": round(p95 / floor_s, 2) if floor_s else None,
    }


def main() -> None:
    args = parse_args()
    database_url = ensure_database(args.database)
    port = free_port()
    env = server_env(database_url, port)
    if args.active:
        env["WEB_MAX_ACTIVE_REQUESTS"] = str(args.active)
    if args.pool_max:
        env["DB_POOL_MAX_SIZE"] = str(args.pool_max)
    if not args.skip_seed:
        seed(env, args.products)
    cores = len(os.sched_getaffinity(0))
    process = subprocess.Popen([str(ROOT / "deploy" / "serve")], cwd=ROOT, env=env)
    try:
        wait_until_up(port)
        url = f"http://127.0.0.1:{port}"
        server = psutil.Process(process.pid)
        read_ms = alone_cpu_ms(url, server, read)
        attempts = sign_in_mix(
            args.sign_ins, [f"load{n}@example.com" for n in range(USERS)], PASSWORD
        )
        sign_in_ms = alone_cpu_ms(
            url, server, lambda i: sign_in(i, *attempts[i % 4]), n=4
        )
        readers = asyncio.run(burst(url, [(read(n), 0.0) for n in range(args.readers)]))
        floor = read_ms * args.readers / 1000 / cores
        results = [summary("readers", readers, floor)]
        calls = [(sign_in(n, *attempt), 0.0) for n, attempt in enumerate(attempts)]
        spread = sign_in_ms * args.sign_ins / 1000 / cores
        # Spread over the time the sign-ins take; each timed from its send.
        step = spread / max(args.side_reads, 1)
        side = [(read(n), step * n) for n in range(args.side_reads)]
        mixed = asyncio.run(burst(url, [*calls, *side]))
        results.append(summary("sign-ins", mixed[: args.sign_ins], spread))
        results.append(
            summary("reads beside sign-ins", mixed[args.sign_ins :], read_ms / 1000)
        )
        ready = httpx.get(f"{url}/health/ready").json().get("load")
    finally:
        process.terminate()
        process.wait(timeout=30)
    report(results, ready, read_ms, sign_in_ms, cores)


def report(
    results: list[dict[str, Any]],
    load: Any,
    read_ms: float,
    sign_in_ms: float,
    cores: int,
) -> None:
    print(
        f"alone: products {read_ms:.1f} ms CPU, tokenCreate {sign_in_ms:.0f} ms CPU; {cores} cores"
    )
    print(
        "| burst | requests | statuses | p50 s | p95 s | max s | floor s | p95 / floor |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        print(
            f"| {r['burst']} | {r['requests']} | {r['statuses']} | {r['p50_s']} | "
            f"{r['p95_s']} | {r['max_s']} | {r['floor_s'] or '-'} | {r['p95_over_floor'] or '-'} |"
        )
    print("load:", load)
    out = (
        ROOT / "bench" / "results" / f"overload-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    )
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"results": results, "load": load}, indent=2))


if __name__ == "__main__":
    main()
