"""Memory of a web pod and a worker pod under load: the figures behind deploy/k8s.

Web: `deploy/serve` with WEB_WORKERS processes (the pod's shape) against
PostgreSQL, under wrk on a products page, set up as bench.run sets it
(response cache off, so every request renders). Worker: `bench.jobs` drains 1,000 jobs with one
`manage.py worker` process (all queues) on a private Redis. Both sample the
RSS of every process of the pod every 0.2 s and report the peak of the sum,
which is what a container's memory limit counts (plus page cache it may
reclaim).

    uv run python -m bench.memory                # needs PostgreSQL, redis-server, wrk
    uv run python -m bench.memory --web-workers 2 --duration 20
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import psutil

from bench.jobs import fresh_database
from bench.run import QUERY, load, server_env, wait_until_up

ROOT = Path(__file__).resolve().parent.parent
MIB = 1024 * 1024


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--port", type=int, default=8097)
    return parser.parse_args()


class PeakRss:
    """Samples the summed RSS of the processes `select` returns, in a thread."""

    def __init__(self, select: Callable[[], list[psutil.Process]]) -> None:
        self._select = select
        self._stop = threading.Event()
        self.peak_total = 0
        self.peak_each = 0
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            sizes = []
            for process in self._select():
                try:
                    sizes.append(process.memory_info().rss)
                except psutil.Error:
                    continue
            if sizes:
                self.peak_total = max(self.peak_total, sum(sizes))
                self.peak_each = max(self.peak_each, max(sizes))
            time.sleep(0.2)


def _tree(root: psutil.Process) -> list[psutil.Process]:
    try:
        return [root, *root.children(recursive=True)]
    except psutil.Error:
        return []


def web(args: argparse.Namespace) -> dict[str, float]:
    """Peak RSS of deploy/serve (all its processes) under wrk."""
    shape = argparse.Namespace(workers=args.web_workers, pool_max=None)
    env = server_env(shape, fresh_database("fash_bench_memory"), args.port)
    env.pop("REDIS_URL", None)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([*manage, "seed_demo", "--if-empty"], cwd=ROOT, env=env, check=True)
    server = subprocess.Popen([str(ROOT / "deploy" / "serve")], cwd=ROOT, env=env)
    try:
        wait_until_up(args.port)
        root = psutil.Process(server.pid)
        idle = sum(p.memory_info().rss for p in _tree(root))
        body = json.dumps({"query": QUERY, "variables": {"first": 20}})
        target = {"method": "POST", "path": "/graphql/", "body": body}
        with PeakRss(lambda: _tree(root)) as peak:
            summary = load(target, args.port, args, root, args.duration)
        return {
            "idle_mib": idle / MIB,
            "peak_mib": peak.peak_total / MIB,
            "peak_process_mib": peak.peak_each / MIB,
            "requests": summary["requests"],
            "errors": summary["socket_errors"] + summary["non2xx"],
        }
    finally:
        server.terminate()
        server.wait(timeout=30)


def worker() -> dict[str, float]:
    """Peak RSS of one `manage.py worker` while bench.jobs drains 1,000 jobs."""

    def workers() -> list[psutil.Process]:
        found = []
        for process in psutil.process_iter(["cmdline"]):
            cmdline = process.info["cmdline"] or []
            if "manage.py" in " ".join(cmdline) and "worker" in cmdline:
                found.append(process)
        return found

    with PeakRss(workers) as peak:
        subprocess.run(
            [sys.executable, "-m", "bench.jobs", "--jobs", "1000", "--workers", "1"],
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return {"peak_mib": peak.peak_total / MIB}


def main() -> None:
    args = parse_args()
    served = web(args)
    drained = worker()
    print(f"# bench.memory {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.node()}")
    print(
        f"web pod ({args.web_workers} workers): idle {served['idle_mib']:.0f} MiB, "
        f"peak {served['peak_mib']:.0f} MiB under {args.connections} connections "
        f"({served['requests']} requests, {served['errors']} errors); "
        f"largest process {served['peak_process_mib']:.0f} MiB"
    )
    print(f"worker pod (1 process): peak {drained['peak_mib']:.0f} MiB")


if __name__ == "__main__":
    main()
