"""Rerun every figure in docs/benchmarks.md: `make bench`.

    make bench                                         # all, in order, with their defaults
    uv run --group bench python -m bench --list        # what there is
    uv run --group bench python -m bench overload mixed

Each benchmark is its own module (`python -m bench.<name> --help` for its
options) and writes its raw numbers to bench/results/. They need PostgreSQL
at 127.0.0.1:5432, redis-server on PATH, and wrk (`apt-get install wrk`);
the whole set takes about an hour on a 2-core machine.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

BENCH_DATABASE = "postgres://postgres@127.0.0.1:5432/fashionistar_bench"

# name -> (what docs/benchmarks.md section it fills, arguments)
BENCHMARKS: dict[str, tuple[str, list[str]]] = {
    "run": ("Products query vs a hand-written endpoint", []),
    "execution": ("What moved it: execution contexts, in-process", []),
    "floor": (
        "The floor and a cached page, against a plain Django view",
        ["--skip-seed"],
    ),
    "servers": ("ASGI server", ["--skip-seed"]),
    "overload": ("Overload: 200 readers and 100 sign-ins against one worker", []),
    "mixed": ("A mixed load with Locust, at 1 and 2 web processes", []),
    "jobs": ("Background jobs: the outbox against raw django-tasks-redis", []),
    "webhooks": ("Webhook acknowledgements", []),
    "reports": ("Sales reports", []),
    "search": ("Catalog search on 100,000 products", []),
    "slow_clients": ("Slow clients", ["--preset", "ours"]),
    "pgbouncer": ("PgBouncer: 500 clients on 4 web processes", []),
    "memory": ("Memory per pod (docs/kubernetes.md)", []),
    "tracing": ("Tracing: CPU per request off, at 10 % and at 100 %", ["--skip-seed"]),
    "tracing_cpu": ("Tracing: CPU per request off, at 10 % and at 100 %", []),
}


def main(argv: list[str]) -> int:
    if argv == ["--list"]:
        for name, (section, args) in BENCHMARKS.items():
            print(f"{name:14} python -m bench.{name} {' '.join(args)}  # {section}")
        return 0
    unknown = [name for name in argv if name not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; see --list")
        return 2
    failed = []
    for name in argv or list(BENCHMARKS):
        section, args = BENCHMARKS[name]
        print(f"\n=== {name}: {section}", flush=True)
        started = time.monotonic()
        # `execution` reads the database `run` seeded; the others make their own.
        env = {**os.environ, "DATABASE_URL": BENCH_DATABASE}
        done = subprocess.run([sys.executable, "-m", f"bench.{name}", *args], env=env)
        print(f"=== {name}: exit {done.returncode}, {time.monotonic() - started:.0f} s")
        if done.returncode:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
