"""`manage.py worker`: run the configured backend's worker for our queues.

Both backends stop through `apps.jobs.shutdown.StopSignals`, not their own
signal handlers (why: that module's docstring, and docs/jobs.md).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands import db_worker
from django_tasks_redis.management.commands import run_redis_tasks
from django_tasks_redis.shutdown import GracefulShutdown

from apps.jobs.beat import beat_thread_start
from apps.jobs.shutdown import StopSignals

ALL = "all"


def _grace() -> float:
    return float(settings.JOBS_SHUTDOWN_GRACE.total_seconds())


class _SignalSafeRedisShutdown(GracefulShutdown):  # type: ignore[misc]
    """django-tasks-redis's stop flag, set by StopSignals' thread.

    The library's own handler deadlocks on a repeated signal (0.4.0): it takes
    a non-reentrant lock inside the handler. Its worker loop and blocking read
    still poll this object, so only the handlers are replaced.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(timeout=0, force_on_repeat=False, log_signals=False)
        self._stop_signals = StopSignals(on_stop=self.set, grace=_grace())

    def install(self) -> _SignalSafeRedisShutdown:
        if threading.current_thread() is threading.main_thread():
            self._stop_signals.install()
            self._installed = True
        return self

    def uninstall(self) -> None:
        if self._installed:
            self._stop_signals.uninstall()
            self._installed = False


@contextmanager
def _redis_shutdown_replaced() -> Iterator[None]:
    """Make `run_redis_tasks` build our shutdown object instead of its own.

    It names the class at module level, so the name is swapped for the run.
    pyproject.toml pins django-tasks-redis to 0.4.x for this; a test with real
    workers and repeated SIGTERMs proves it still holds.
    """
    original = run_redis_tasks.GracefulShutdown
    if original is not GracefulShutdown:
        msg = "django-tasks-redis changed: run_redis_tasks.GracefulShutdown moved."
        raise CommandError(msg)
    run_redis_tasks.GracefulShutdown = _SignalSafeRedisShutdown
    try:
        yield
    finally:
        run_redis_tasks.GracefulShutdown = original


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
            with _redis_shutdown_replaced():
                call_command(
                    "run_redis_tasks",
                    queue_name=None if queue == ALL else queue,
                    continuous=True,
                )
        elif backend == "database":
            self._database_worker_run(queue=queue, interval=interval)
        else:
            msg = f"The {backend!r} task backend runs tasks in-process: no worker."
            raise CommandError(msg)

    def _database_worker_run(self, *, queue: str, interval: float) -> None:
        """Run django-tasks-db's worker loop with our signal handling.

        Its `db_worker` command would install handlers that raise SystemExit
        inside the running task on a second signal; its loop stops cleanly
        once `running` is false, which is all StopSignals needs.
        """
        worker = db_worker.Worker(
            queue_names=settings.JOBS_QUEUES if queue == ALL else [queue],
            interval=interval,
            batch=False,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=get_random_string(32),
            excluded_queue_names=[],
        )

        def stop() -> None:
            worker.running = False

        stop_signals = StopSignals(on_stop=stop, grace=_grace()).install()
        try:
            worker.run()
        finally:
            stop_signals.uninstall()
