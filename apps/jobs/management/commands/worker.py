"""`manage.py worker`: run the configured backend's worker for our queues."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.jobs.beat import beat_thread_start

ALL = "all"


class Command(BaseCommand):
    help = (
        "Run a task worker on the configured backend (Redis or database) for "
        "one queue or all of them; SIGTERM lets the running task finish."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--queue",
            choices=[*settings.JOBS_QUEUES, ALL],
            default=ALL,
            help="The queue to serve (default: all of them).",
        )
        parser.add_argument(
            "--beat",
            action="store_true",
            help="Also run the reconciler and periodic scheduler in this process "
            "(what `make run` does; `make worker` runs `jobs_beat` instead).",
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=0.5,
            help="Database backend: seconds between polls of an empty queue.",
        )

    def handle(
        self, *args: Any, queue: str, beat: bool, interval: float, **options: Any
    ) -> None:
        backend = settings.TASKS_BACKEND
        if beat:
            beat_thread_start()
        if backend == "redis":
            call_command(
                "run_redis_tasks",
                queue_name=None if queue == ALL else queue,
                continuous=True,
            )
        elif backend == "database":
            call_command(
                "db_worker",
                queue_name=",".join(settings.JOBS_QUEUES) if queue == ALL else queue,
                interval=interval,
                reload=False,
                startup_delay=False,
            )
        else:
            msg = f"The {backend!r} task backend runs tasks in-process: no worker."
            raise CommandError(msg)
