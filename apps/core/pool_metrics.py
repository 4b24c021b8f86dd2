"""The database pool's gauges, sampled by a thread in each process that has one.

Every web and job worker process owns its own psycopg pool, and a scrape is
answered by just one of them, so each process writes its own numbers every
`SAMPLE_SECONDS` (summed over live processes in multiprocess mode). The
pool's statistics are psycopg_pool's own (`get_stats`).
"""

from __future__ import annotations

import logging
import os
import threading
import time

from django.db import connections

from apps.core import metrics

SAMPLE_SECONDS = 5.0
logger = logging.getLogger(__name__)

_lock = threading.Lock()
_started_in: int | None = None  # the pid whose sampler thread is running
_timeouts_seen = 0


def pool_sample() -> None:
    """Write the default database pool's current figures to the gauges."""
    global _timeouts_seen
    # The pools live on the backend class, shared by every thread's wrapper;
    # reading them here never creates one (the `pool` property would).
    pools = getattr(connections["default"], "_connection_pools", None)
    pool = pools.get("default") if pools else None
    if pool is None:
        return
    stats = pool.get_stats()
    size = stats.get("pool_size", 0)
    idle = stats.get("pool_available", 0)
    metrics.db_pool_connections.labels("in_use").set(size - idle)
    metrics.db_pool_connections.labels("idle").set(idle)
    metrics.db_pool_max.set(stats.get("pool_max", pool.max_size))
    metrics.db_pool_waiting.set(stats.get("requests_waiting", 0))
    errors = stats.get("requests_errors", 0)
    with _lock:
        if errors > _timeouts_seen:
            metrics.db_pool_timeouts.inc(errors - _timeouts_seen)
            _timeouts_seen = errors


def sampler_ensure() -> None:
    """Start this process's sampler thread unless it runs (cheap per request)."""
    global _started_in
    pid = os.getpid()
    if _started_in == pid:
        return
    with _lock:
        if _started_in == pid:
            return
        # A forked child has no threads: its own sampler starts here.
        _started_in = pid
    threading.Thread(
        target=_sample_forever, name="db-pool-metrics", daemon=True
    ).start()


def _sample_forever() -> None:
    while True:
        try:
            pool_sample()
        except Exception:  # a metric must never take a worker down
            logger.exception("database pool sampling failed")
        time.sleep(SAMPLE_SECONDS)
