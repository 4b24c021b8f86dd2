"""The loop that reconciles and schedules every `JOBS_RECONCILE_INTERVAL`."""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.db import connections
from django.utils import timezone

from apps.jobs.reconciler import jobs_reconcile, periodic_enqueue

logger = logging.getLogger(__name__)


def beat_run(stop: threading.Event) -> None:
    """Reconcile until `stop` is set; a failing round is logged, not fatal.

    A database or broker outage makes rounds fail; the next round after it
    ends catches up on everything.
    """
    interval = settings.JOBS_RECONCILE_INTERVAL.total_seconds()
    logger.info("job beat started", extra={"interval_seconds": interval})
    while True:
        try:
            jobs_reconcile()
            periodic_enqueue(now=timezone.now())
        except Exception:
            logger.exception("job reconcile round failed")
        finally:
            connections.close_all()  # never hold a pooled connection while idle
        if stop.wait(interval):
            return


def beat_thread_start() -> threading.Event:
    """Run the beat in a daemon thread of this process; set the event to stop."""
    stop = threading.Event()
    threading.Thread(
        target=beat_run, args=(stop,), name="job-beat", daemon=True
    ).start()
    return stop
