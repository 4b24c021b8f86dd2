"""Tasks for bench/jobs.py: they only note when they started, so the numbers
are the queue's. Both paths note it the same way: seconds since `sent` (the
moment before enqueueing) pushed to a Redis list.
"""

from __future__ import annotations

import os
import time
from functools import cache

import redis
from django.tasks import task

STARTS = "bench:starts"


@cache
def _client() -> redis.Redis:
    return redis.Redis.from_url(os.environ["REDIS_URL"])


def _note(sent: float) -> None:
    now = time.time()
    _client().rpush(STARTS, f"{now - sent} {now}")


@task(queue_name="emails")
def noop_task(*, sent: float) -> None:
    """Run through the outbox (job_enqueue)."""
    _note(sent)


@task(queue_name="emails")
def noop_direct_task(*, sent: float) -> None:
    """Enqueued straight to the backend: the baseline without the outbox."""
    _note(sent)
