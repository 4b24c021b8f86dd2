"""Granian vs Uvicorn serving the same app, measured in one run.

Both serve config.asgi with one worker per core against the same seeded
PostgreSQL; wrk loads the GraphQL products query and the health probe in
alternating rounds. Prints req/s per server and the ratio.

    uv run python -m bench.servers --database fashionistar_bench --skip-seed
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from typing import Any

import psutil

from bench.run import (
    QUERY,
    ROOT,
    ensure_database,
    free_port,
    load,
    manage,
    parse_args,
    server_env,
    wait_until_up,
)


def command(server: str, workers: int, port: int) -> list[str]:
    venv = ROOT / ".venv" / "bin"
    if server == "granian":
        return [str(ROOT / "deploy" / "serve")]
    return [
        str(venv / "uvicorn"),
        "config.asgi:application",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--no-access-log",
        "--log-level",
        "warning",
        "--lifespan",
        "off",
    ]


def measure(server: str, args: Any, env: dict[str, str], port: int) -> dict[str, float]:
    body = json.dumps({"query": QUERY, "variables": {"first": args.first}})
    targets = {
        "graphql": {"method": "POST", "path": "/graphql/", "body": body},
        "health": {"method": "GET", "path": "/health/live"},
    }
    process = subprocess.Popen(command(server, args.workers, port), cwd=ROOT, env=env)
    try:
        wait_until_up(port)
        proc = psutil.Process(process.pid)
        for target in targets.values():
            load(target, port, args, proc, duration=2)
        return {
            name: load(target, port, args, proc, args.duration)["rps"]
            for name, target in targets.items()
        }
    finally:
        process.terminate()
        process.wait(timeout=30)


def main() -> None:
    args = parse_args()
    database_url = ensure_database(args.database)
    port = free_port()
    env = server_env(args, database_url, port)
    if not args.skip_seed:
        manage(env, "migrate", "--noinput")
        manage(env, "seed_demo", "--products", str(args.products), "--no-progress")
    results: dict[str, list[dict[str, float]]] = {"granian": [], "uvicorn": []}
    for round_no in range(args.rounds):
        order = ["granian", "uvicorn"] if round_no % 2 == 0 else ["uvicorn", "granian"]
        for server in order:
            results[server].append(measure(server, args, env, port))
    for endpoint in ("graphql", "health"):
        g = statistics.median(r[endpoint] for r in results["granian"])
        u = statistics.median(r[endpoint] for r in results["uvicorn"])
        sys.stdout.write(
            f"{endpoint}: granian {g:.0f} req/s, uvicorn {u:.0f} req/s, "
            f"granian/uvicorn = {g / u:.2f}\n"
        )


if __name__ == "__main__":
    main()
