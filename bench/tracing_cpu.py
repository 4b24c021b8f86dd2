"""In-process A/B of tracing's CPU cost per request, through the whole ASGI app.

bench.tracing measures over HTTP with wrk, where this shared machine's noise
(about 10 %) is larger than what tracing costs. This one drives the products
request through `config.asgi.application` inside one process per
configuration and reads that process's CPU time (`time.process_time`, so the
exporter's background thread is counted), in alternating rounds:

- `before`: the commit before tracing and metrics (a git worktree);
- `off`, `10%`, `100%`: as in bench.tracing, exporting to a discarding
  OTLP endpoint in this process.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fashionistar_bench \\
      uv run python -m bench.tracing_cpu --rounds 5 --requests 300
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CONFIGS = ("before", "off", "10%", "100%")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="84575af")
    parser.add_argument("--rounds", type=int, default=40, help="batches per config")
    parser.add_argument("--requests", type=int, default=25, help="requests per batch")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args()


async def _request(app: Any, body: bytes) -> int:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql/",
        "raw_path": b"/graphql/",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"127.0.0.1"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    sent = False
    status = 0

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


def child(requests: int) -> None:
    """Serve batches: for each line on stdin, run `requests` requests and
    answer with the CPU milliseconds per request they took in this process."""
    from bench.run import QUERY
    from config.asgi import application

    body = json.dumps({"query": QUERY, "variables": {"first": 50}}).encode()
    loop = asyncio.new_event_loop()

    async def run(n: int) -> None:
        for _ in range(n):
            assert await _request(application, body) == 200

    loop.run_until_complete(run(50))  # warm: imports, pools, caches
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    for _ in sys.stdin:
        started = time.process_time()
        loop.run_until_complete(run(requests))
        ms = (time.process_time() - started) / requests * 1000
        sys.stdout.write(json.dumps({"cpu_ms": ms}) + "\n")
        sys.stdout.flush()


def main() -> None:
    args = parse_args()
    if args.child:
        child(args.requests)
        return
    from bench.tracing import _environments, otlp_sink, worktree

    database_url = os.environ.get(
        "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/fashionistar_bench"
    )
    args.workers, args.pool_max = 1, None
    results: dict[str, list[float]] = {name: [] for name in CONFIGS}
    with ExitStack() as stack:
        sink = stack.enter_context(otlp_sink())
        before_root = stack.enter_context(worktree(args.before))
        envs = _environments(args, database_url, sink)
        children = {}
        for name in CONFIGS:
            root = before_root if name == "before" else ROOT
            # `-c`, so that the first import path is `root` (this tree or
            # the worktree), whose `config` and `bench` are then imported.
            script = (
                "import runpy, sys; "
                f"sys.argv = ['tracing_cpu', '--child', '--requests', '{args.requests}']; "
                f"runpy.run_path({str(ROOT / 'bench' / 'tracing_cpu.py')!r}, "
                "run_name='__main__')"
            )
            process = subprocess.Popen(
                [sys.executable, "-c", script],
                cwd=root,
                env=envs[name],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            stack.callback(process.kill)
            children[name] = process
        for process in children.values():
            assert process.stdout is not None
            assert process.stdout.readline().strip() == "ready"
        # Small batches in turn: drift in the machine's speed (other tenants)
        # falls on every configuration alike.
        for round_no in range(args.rounds):
            order = CONFIGS if round_no % 2 == 0 else tuple(reversed(CONFIGS))
            for name in order:
                process = children[name]
                assert process.stdin is not None
                assert process.stdout is not None
                process.stdin.write("go\n")
                process.stdin.flush()
                line = process.stdout.readline()
                results[name].append(json.loads(line)["cpu_ms"])
    base = statistics.median(results["before"])
    print(
        f"{args.rounds} batches of {args.requests} requests per configuration, in turn"
    )
    print("| tracing | CPU ms/request (median) | vs before | quartiles |")
    print("|---|---|---|---|")
    for name in CONFIGS:
        ms = statistics.median(results[name])
        low, _, high = statistics.quantiles(results[name], n=4)
        print(f"| {name} | {ms:.2f} | {ms / base:.2f}x | {low:.2f} to {high:.2f} |")


if __name__ == "__main__":
    main()
