"""`/metrics`: the Prometheus exposition, for loopback or token holders only.

Served on the app's own port, so it needs no second listener; anyone who is
neither on loopback nor presenting `METRICS_TOKEN` as a bearer token gets
the same 404 as an unknown URL. A proxy on the same host makes every caller
loopback, so it must not forward /metrics (deploy/nginx.conf).

In multiprocess mode (`PROMETHEUS_MULTIPROC_DIR`) the answer sums the files
of every process on the host; the queue gauges are read from the outbox.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import re
from pathlib import Path

from asgiref.sync import sync_to_async
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from prometheus_client import (
    CONTENT_TYPE_PLAIN_0_0_4,
    REGISTRY,
    CollectorRegistry,
    generate_latest,
    multiprocess,
)

from apps.core import pool_metrics
from apps.jobs.metrics import QueueCollector
from config.errors import not_found

_LIVE_GAUGE_FILE = re.compile(r"^gauge_live\w*_(\d+)\.db$")


def _registry() -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry = REGISTRY
    registry.register(QueueCollector())
    return registry


_REGISTRY = _registry()


def allowed(remote_address: str, authorization: str, token: str) -> bool:
    """Whether a caller may read the metrics: loopback, or the token's holder."""
    if token and hmac.compare_digest(
        authorization.encode(), f"Bearer {token}".encode()
    ):
        return True
    try:
        return ipaddress.ip_address(remote_address).is_loopback
    except ValueError:
        return False


def _forget_dead_processes() -> None:
    """Drop the live gauges of processes that have exited (a restarted worker).

    prometheus-client keeps each process's `livesum` gauges in a file named by
    its pid until `mark_process_dead` is called, which Granian has no hook
    for; without this a dead worker's last pool figures would be summed on.
    """
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not directory:
        return
    for path in Path(directory).glob("gauge_live*_*.db"):
        match = _LIVE_GAUGE_FILE.match(path.name)
        if match and not _alive(int(match[1])):
            multiprocess.mark_process_dead(int(match[1]), directory)  # type: ignore[no-untyped-call]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def exposition() -> tuple[bytes, str]:
    """The scrape body and its content type (also config/metrics_server.py)."""
    _forget_dead_processes()
    # This process's pool, as of now (the others' sampler threads keep theirs).
    pool_metrics.pool_sample()
    # The classic text format's type: every name here is plain ASCII, so the
    # body is the same, and Prometheus 2 (Debian's) reads it without fallback.
    return generate_latest(_REGISTRY), CONTENT_TYPE_PLAIN_0_0_4


async def metrics(request: HttpRequest) -> HttpResponse:
    """Answer Prometheus' scrape, or 404 to anyone not allowed to see it."""
    caller = request.META.get("REMOTE_ADDR", "")
    if not allowed(
        caller, request.headers.get("Authorization", ""), settings.METRICS_TOKEN
    ):
        return not_found(request)
    body, content_type = await sync_to_async(exposition)()
    return HttpResponse(body, content_type=content_type)
