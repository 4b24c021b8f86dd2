"""Benchmark: what tracing costs on the products page, per request.

Four servers over the same seeded database, loaded in alternating rounds by
wrk on the bench.run products page (response cache off, so every request
renders), each with one Granian worker so that CPU per request is the
worker's own:

- `before`: the commit before tracing and metrics were added (--before),
  run from a git worktree on the same virtualenv: the baseline;
- `off`: this code with OTEL_TRACES_EXPORTER=none (the default);
- `10%`: OTLP export, `parentbased_traceidratio` at 0.1;
- `100%`: OTLP export of every trace.

Spans go to an OTLP/HTTP endpoint in this process that answers 200 and
discards them, as a collector on another host would cost the server nothing
more than the export. Ratios are against `before`, measured in the same run.

    uv run python -m bench.tracing --skip-seed          # after bench.run seeded
    uv run python -m bench.tracing --before 84575af --duration 8 --rounds 3
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import psutil

from bench.run import (
    QUERY,
    cpu_model,
    ensure_database,
    free_port,
    load,
    manage,
    server_env,
    summarize,
    wait_until_up,
)

ROOT = Path(__file__).resolve().parent.parent
CONFIGS = ("before", "off", "10%", "100%")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="84575af", help="commit without tracing")
    parser.add_argument("--products", type=int, default=2000)
    parser.add_argument("--first", type=int, default=50)
    parser.add_argument("--duration", type=int, default=8, help="seconds per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--database", default="fashionistar_bench")
    parser.add_argument("--skip-seed", action="store_true")
    args = parser.parse_args()
    args.workers, args.pool_max = 1, None  # what bench.run.server_env reads
    return args


class _Discard(BaseHTTPRequestHandler):
    """An OTLP/HTTP endpoint that takes every export and keeps only its size."""

    received: ClassVar[dict[str, int]] = {"exports": 0, "bytes": 0}

    def do_POST(self) -> None:
        size = int(self.headers.get("Content-Length", 0))
        self.rfile.read(size)
        _Discard.received["exports"] += 1
        _Discard.received["bytes"] += size
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def otlp_sink() -> Iterator[str]:
    port = free_port()
    server = ThreadingHTTPServer(("127.0.0.1", port), _Discard)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()


@contextmanager
def worktree(commit: str) -> Iterator[Path]:
    """The code of `commit`, beside this one, sharing this virtualenv."""
    path = Path(tempfile.mkdtemp(prefix="bench-before-"))
    subprocess.run(
        ["git", "worktree", "add", "--detach", str(path), commit],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    (path / ".venv").symlink_to(ROOT / ".venv")
    try:
        yield path
    finally:
        subprocess.run(
            ["git", "worktree", "remove", "--force", str(path)], cwd=ROOT, check=False
        )
        shutil.rmtree(path, ignore_errors=True)


def _environments(
    args: argparse.Namespace, database_url: str, sink: str
) -> dict[str, dict[str, str]]:
    def env(**extra: str) -> dict[str, str]:
        base = server_env(args, database_url, free_port())
        base.pop("OTEL_TRACES_EXPORTER", None)
        return {**base, **extra}

    exporting = {
        "OTEL_TRACES_EXPORTER": "otlp",
        "OTEL_EXPORTER_OTLP_ENDPOINT": sink,
        "OTEL_TRACES_SAMPLER": "parentbased_traceidratio",
    }
    return {
        "before": env(),
        "off": env(OTEL_TRACES_EXPORTER="none"),
        "10%": env(**exporting, OTEL_TRACES_SAMPLER_ARG="0.1"),
        "100%": env(**exporting, OTEL_TRACES_SAMPLER_ARG="1.0"),
    }


def main() -> None:
    args = parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    database_url = ensure_database(args.database)
    if not args.skip_seed:
        seed_env = server_env(args, database_url, free_port())
        manage(seed_env, "migrate", "--noinput")
        manage(
            seed_env,
            "seed_demo",
            "--products",
            str(args.products),
            "--seed",
            "42",
            "--no-progress",
        )
    body = json.dumps({"query": QUERY, "variables": {"first": args.first}})
    target = {"method": "POST", "path": "/graphql/", "body": body}
    with ExitStack() as stack:
        sink = stack.enter_context(otlp_sink())
        before_root = stack.enter_context(worktree(args.before))
        envs = _environments(args, database_url, sink)
        servers: dict[str, tuple[psutil.Process, int]] = {}
        for name, env in envs.items():
            root = before_root if name == "before" else ROOT
            process = subprocess.Popen(
                [str(root / "deploy" / "serve")], cwd=root, env=env
            )
            stack.callback(_stop, process)
            servers[name] = (psutil.Process(process.pid), int(env["PORT"]))
        for process, port in servers.values():
            wait_until_up(port)
            load(target, port, args, process, duration=3)  # warm up
        runs: dict[str, list[dict[str, Any]]] = {name: [] for name in CONFIGS}
        for round_no in range(args.rounds):
            order = CONFIGS if round_no % 2 == 0 else tuple(reversed(CONFIGS))
            for name in order:
                process, port = servers[name]
                runs[name].append(load(target, port, args, process, args.duration))
    report(args, runs)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    process.wait(timeout=30)


def report(args: argparse.Namespace, runs: dict[str, list[dict[str, Any]]]) -> None:
    summary = {name: summarize(results) for name, results in runs.items()}
    base = summary["before"]
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": (
            f"{platform.machine()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}, {cpu_model()}"
        ),
        "args": vars(args),
        "summary": summary,
        "runs": runs,
    }
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(exist_ok=True)
    (out_dir / f"tracing-{result['when'].replace(':', '')}.json").write_text(
        json.dumps(result, indent=2)
    )
    print(
        f"products(first: {args.first}), 1 worker each, {args.connections} connections, "
        f"{args.rounds}x{args.duration}s rounds (medians); before = {args.before}"
    )
    print("| tracing | req/s | p50 ms | p95 ms | server CPU ms/req | CPU vs before |")
    print("|---|---|---|---|---|---|")
    for name in CONFIGS:
        s = summary[name]
        print(
            f"| {name} | {s['rps']:.0f} | {s['p50_us'] / 1000:.1f} | {s['p95_us'] / 1000:.1f} | "
            f"{s['cpu_ms_per_request']:.2f} | "
            f"{s['cpu_ms_per_request'] / base['cpu_ms_per_request']:.2f}x |"
        )
    exported = _Discard.received
    print(
        f"exported to the sink: {exported['exports']} requests, {exported['bytes']:,} bytes"
    )
    if any(
        summary[name]["non2xx"] or summary[name]["socket_errors"] for name in CONFIGS
    ):
        print("WARNING: errors during the run; see the JSON result")


if __name__ == "__main__":
    main()
