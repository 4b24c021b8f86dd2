"""The safety net: hands out again every job that a broker or worker lost.

Runs every `JOBS_RECONCILE_INTERVAL` in `manage.py jobs_beat`:

* a PENDING job that is due and was never relayed (the broker was down at
  commit) or was relayed longer than `JOBS_REDELIVER_AFTER` ago and has not
  started (the broker lost it: restarted without persistence) is relayed;
* a RUNNING job whose lease ran out (its worker was killed) is relayed: the
  claim takes it over, counting the lost run as an attempt; if that was the
  last attempt it fails, visibly.

`periodic_enqueue` enqueues the periodic jobs of `JOBS_PERIODIC`, each once per period
whatever the number of beats running (the job key names the period).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from apps.jobs.models import Job, JobStatus
from apps.jobs.outbox import job_enqueue, jobs_relay

logger = logging.getLogger(__name__)

# Relay in slices: a long outage may leave many jobs behind.
_BATCH = 500


@dataclass(frozen=True, slots=True, kw_only=True)
class Reconciled:
    relayed: int
    abandoned: int


def jobs_reconcile(*, now: datetime | None = None) -> Reconciled:
    """Relay lost jobs; fail the dead ones that were on their last attempt."""
    now = now or timezone.now()
    abandoned = _abandoned_fail(now)
    # Due and never relayed, or neither relayed nor due within the window.
    stale = now - settings.JOBS_REDELIVER_AFTER
    due = Q(status=JobStatus.PENDING, run_after__lte=now) & (
        Q(relayed_at__isnull=True) | Q(relayed_at__lt=stale, run_after__lt=stale)
    )
    dead = Q(status=JobStatus.RUNNING, lease_until__lt=now)
    lost = list(Job.objects.filter(due | dead).order_by("run_after")[:_BATCH])
    relayed = jobs_relay(lost, force=True)
    if relayed:
        logger.info("jobs relayed by the reconciler", extra={"count": relayed})
    return Reconciled(relayed=relayed, abandoned=abandoned)


def _abandoned_fail(now: datetime) -> int:
    """Fail the RUNNING jobs whose worker died during their last attempt."""
    count = Job.objects.filter(
        status=JobStatus.RUNNING, lease_until__lt=now, attempts__gte=F("max_attempts")
    ).update(
        status=JobStatus.FAILED,
        finished_at=now,
        lease_until=None,
        last_error="The worker stopped during the last attempt (lease expired).",
    )
    if count:
        logger.error(
            "jobs failed: worker lost on the last attempt", extra={"count": count}
        )
    return count


def periodic_enqueue(*, now: datetime) -> int:
    """Enqueue each periodic task once for the period that `now` falls in."""
    added = 0
    for name, (task_path, every) in settings.JOBS_PERIODIC.items():
        period = int(now.timestamp() // every.total_seconds())
        key = f"periodic:{name}:{period}"
        if Job.objects.filter(key=key).exists():
            continue
        job_enqueue(import_string(task_path), key=key)
        added += 1
    return added
