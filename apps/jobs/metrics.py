"""Queue depth and the age of each queue's oldest waiting job, read at scrape time.

These are facts about the outbox, not about a process, so they are read from
the database when Prometheus asks (one grouped query, apps.jobs.health)
rather than counted: every web process reports the same figures, and alert
rules and the worker autoscaling take `max by (queue)`.
`fashionistar_job_queue_depth{queue}` is the signal the HPAs read
(deploy/k8s/base/worker-autoscaling.yaml).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from apps.core.availability import is_database_unavailable
from apps.core.metrics import PREFIX
from apps.jobs.health import queue_depths

logger = logging.getLogger(__name__)


class QueueCollector(Collector):
    """Gauges per queue: waiting jobs, oldest waiting age, jobs by state."""

    def describe(self) -> Iterator[GaugeMetricFamily]:
        # Registration asks for the names; without this it would query now.
        yield from self._families()

    def collect(self) -> Iterator[GaugeMetricFamily]:
        depth, age, jobs, up = self._families()
        try:
            depths = queue_depths()
        except Exception as error:
            if not is_database_unavailable(error):
                raise
            logger.warning("queue metrics skipped: database unavailable")
            up.add_metric([], 0)
            yield up
            return
        now = timezone.now()
        for queue, found in depths.items():
            depth.add_metric([queue], found.waiting)
            oldest = found.oldest_waiting
            waited = (now - oldest).total_seconds() if oldest else 0.0
            age.add_metric([queue], max(0.0, waited))
            jobs.add_metric([queue, "scheduled"], found.scheduled)
            jobs.add_metric([queue, "running"], found.running)
            jobs.add_metric([queue, "failed"], found.failed)
        up.add_metric([], 1)
        yield from (depth, age, jobs, up)

    @staticmethod
    def _families() -> tuple[GaugeMetricFamily, ...]:
        depth = GaugeMetricFamily(
            f"{PREFIX}_job_queue_depth",
            "Jobs due to run and not yet started, per queue.",
            labels=["queue"],
        )
        age = GaugeMetricFamily(
            f"{PREFIX}_job_queue_oldest_age_seconds",
            "How long the longest-waiting due job has waited (0 when none).",
            labels=["queue"],
        )
        jobs = GaugeMetricFamily(
            f"{PREFIX}_job_queue_jobs",
            "Jobs per queue by state: scheduled (a delay), running, failed (dead, kept).",
            labels=["queue", "state"],
        )
        up = GaugeMetricFamily(
            f"{PREFIX}_job_queue_scrape_ok",
            "1 when the outbox could be read for this scrape, else 0.",
        )
        return depth, age, jobs, up
