"""How many slow clients one worker holds before /health/live stops answering.

For each socket count, starts deploy/serve with one worker, opens that many
sockets that announce a 100,000-byte `POST /graphql/` and send one body byte
every 5 s (the issue's attack), probes /health/live every 0.5 s (2 s timeout)
for the run, and prints how many probes answered, the longest stretch without
an answer, and how long the server let the slow sockets live. `--preset
before` is Granian's defaults with no body deadline (the server before issue
10); `ours` is deploy/serve as shipped. `--nginx` puts deploy/nginx.conf in
front (its per-address connection limit lifted: every socket here comes from
one address).

    uv run python -m bench.slow_clients --preset before --sockets 500 1000 1100
    uv run python -m bench.slow_clients --preset ours --sockets 500 1000 1100
    uv run python -m bench.slow_clients --preset ours --nginx --sockets 1100 3000
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import psutil

from bench.run import ROOT, free_port
from tests.support.slow_clients import Outcome, Probe, probe_live, trickle_body

PRESETS = {
    # Granian 2.8's defaults for one worker, and no deadline on the body.
    "before": {
        "WEB_MAX_CONNECTIONS": "1024",
        "WEB_BACKLOG": "1024",
        "WEB_HEADER_TIMEOUT": "30",
        "WEB_MAX_HEADER_BYTES": "417792",
        "REQUEST_BODY_TIMEOUT": "100000",
        "REQUEST_BODY_TIMEOUT_MAX": "100000",
    },
    "ours": {},
}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", choices=sorted(PRESETS), default="ours")
    parser.add_argument(
        "--sockets", type=int, nargs="+", default=[250, 500, 1000, 1100]
    )
    parser.add_argument("--duration", type=float, default=40.0, help="seconds per run")
    parser.add_argument(
        "--every", type=float, default=5.0, help="seconds per body byte"
    )
    parser.add_argument(
        "--nginx", action="store_true", help="deploy/nginx.conf in front"
    )
    return parser.parse_args()


async def attack(port: int, sockets: int, duration: float, every: float):
    until = time.monotonic() + duration
    clients = [
        asyncio.create_task(trickle_body("127.0.0.1", port, every=every, until=until))
        for _ in range(sockets)
    ]
    await asyncio.sleep(0.5)  # let them connect before probing
    probes = await probe_live("127.0.0.1", port, every=0.5, patience=2.0, until=until)
    return await asyncio.gather(*clients), probes


def longest_outage(probes: list[Probe]) -> float:
    worst, since = 0.0, None
    for probe in probes:
        if probe.latency is None:
            since = probe.at if since is None else since
            worst = max(worst, probe.at + 2.0 - since)
        else:
            since = None
    return worst


def report(
    sockets: int, outcomes: list[Outcome], probes: list[Probe], rss: float
) -> str:
    answered = [p.latency for p in probes if p.latency is not None]
    cut = [o.lifetime for o in outcomes if o.lifetime is not None]
    lives = (
        f"median {statistics.median(cut):.1f} s, max {max(cut):.1f} s" if cut else "-"
    )
    return (
        f"| {sockets} | {sum(o.connected for o in outcomes)} "
        f"| {len(answered)}/{len(probes)} "
        f"| {max(answered, default=0) * 1000:.0f} ms | {longest_outage(probes):.1f} s "
        f"| {len(cut)} cut ({lives}) | {rss / 2**20:.0f} MiB |"
    )


def nginx_front(upstream: int, port: int) -> subprocess.Popen[bytes]:
    """Start nginx with deploy/nginx.conf, listening on `port`, in front of `upstream`."""
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    conf = conf.replace("listen 80;", f"listen 127.0.0.1:{port};")
    conf = conf.replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream};")
    conf = conf.replace("limit_conn per_address 20;", "limit_conn per_address 60000;")
    directory = Path(tempfile.mkdtemp(prefix="bench-nginx-"))
    (directory / "nginx.conf").write_text(conf)
    return subprocess.Popen(
        [
            "nginx",
            "-p",
            str(directory),
            "-c",
            str(directory / "nginx.conf"),
            "-e",
            "stderr",
            "-g",
            f"daemon off; pid {directory}/nginx.pid;",
        ],
        stdout=subprocess.DEVNULL,
    )


def wait_until_up(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health/live", timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    msg = f"Nothing answered /health/live on port {port} within 60 s."
    raise TimeoutError(msg)


def run_one(preset: str, sockets: int, args: argparse.Namespace) -> str:
    port = free_port()
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "bench-slow-clients-not-secret",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_WORKERS": "1",
        **PRESETS[preset],
    }
    server = subprocess.Popen(
        [str(ROOT / "deploy" / "serve")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    target = free_port() if args.nginx else port
    front = nginx_front(port, target) if args.nginx else None
    try:
        wait_until_up(port)
        wait_until_up(target)
        outcomes, probes = asyncio.run(
            attack(target, sockets, args.duration, args.every)
        )
        # The worker processes' memory at the end of the attack.
        workers = psutil.Process(server.pid).children(recursive=True)
        rss = sum(worker.memory_info().rss for worker in workers)
        return report(sockets, outcomes, probes, rss)
    finally:
        if front is not None:
            front.terminate()
            front.wait(timeout=20)
        server.terminate()
        server.wait(timeout=20)


def main() -> None:
    args = parse_args()
    front = ", nginx in front" if args.nginx else ""
    print(
        f"preset {args.preset}{front}: 1 byte every {args.every:g} s, {args.duration:g} s runs"
    )
    print(
        "| slow sockets | connected | probes answered | slowest probe "
        "| longest outage | slow sockets closed by the server | worker memory |"
    )
    print("|---|---|---|---|---|---|---|")
    for sockets in args.sockets:
        print(run_one(args.preset, sockets, args), flush=True)


if __name__ == "__main__":
    main()
