"""`manage.py jobs_beat`: relay lost jobs and enqueue periodic ones, forever."""

from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand

from apps.jobs.beat import beat_run


class Command(BaseCommand):
    help = (
        "Run the job reconciler and periodic scheduler until SIGTERM/SIGINT. "
        "Several may run: periodic jobs are enqueued once per period anyway."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()

        def request_stop(signum: int, frame: FrameType | None) -> None:
            stop.set()

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
        beat_run(stop)
