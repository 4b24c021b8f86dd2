"""Signal-safe graceful stop for workers, on either task backend.

SIGTERM or SIGINT asks a worker to stop: it starts no new task, lets the
running one finish, and exits. If that takes longer than the grace period
(`JOBS_SHUTDOWN_GRACE`) the process exits at once with status 1 and the
outbox's lease hands the job to another worker. Repeated signals change
nothing: shells and supervisors often deliver one stop twice (`make run`'s
Ctrl-C reaches the worker as SIGINT, then its trap sends SIGTERM).

Why not the libraries' handlers: django-tasks-redis 0.4's `GracefulShutdown`
takes a non-reentrant `threading.Lock` inside its signal handler; a second
signal that lands while the first handler holds it re-enters the handler in
the same thread and waits for that lock forever (a worker hung for minutes on
`make run`'s stop, seen in gdb). Any lock, logging or Event call in a Python
signal handler has that hazard, so the handler here only writes one byte to a
pipe (async-signal-safe), and a watcher thread does the rest: it asks the
worker loop to stop, logs, and enforces the grace period.
"""

from __future__ import annotations

import contextlib
import logging
import os
import select
import signal
import sys
import threading
import time
from collections.abc import Callable
from types import FrameType

logger = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
FORCED_EXIT_STATUS = 1


class StopSignals:
    """Turn SIGTERM/SIGINT into one `on_stop()` call, bounded by `grace` seconds.

    `install()` must run in the main thread (Python's rule for handlers).
    """

    def __init__(self, *, on_stop: Callable[[], None], grace: float) -> None:
        self._on_stop = on_stop
        self._grace = grace
        self._previous: dict[int, object] = {}
        self._read_fd = -1
        self._write_fd = -1
        self._closed = threading.Event()

    def install(self) -> StopSignals:
        """Install the handlers and start the watcher thread."""
        self._read_fd, self._write_fd = os.pipe()
        os.set_blocking(self._write_fd, False)
        for signum in STOP_SIGNALS:
            self._previous[signum] = signal.signal(signum, self._handle)
        threading.Thread(
            target=self._watch, name="worker-stop-signals", daemon=True
        ).start()
        return self

    def uninstall(self) -> None:
        """Restore the previous handlers; the watcher thread ends."""
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)  # type: ignore[arg-type]
        self._previous.clear()
        self._closed.set()
        with contextlib.suppress(OSError):
            os.write(self._write_fd, b"\0")  # wakes the watcher to see _closed

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        # Signal context: no locks, no logging, no allocation worth naming.
        with contextlib.suppress(OSError):  # a full pipe already holds a stop
            os.write(self._write_fd, bytes([signum]))

    def _watch(self) -> None:
        deadline: float | None = None
        while True:
            timeout = None if deadline is None else deadline - time.monotonic()
            if timeout is not None and timeout <= 0:
                self._force_exit()
                return
            ready, _, _ = select.select([self._read_fd], [], [], timeout)
            if self._closed.is_set():
                return
            if not ready:
                continue
            for signum in os.read(self._read_fd, 64):
                if signum == 0:
                    continue
                name = signal.Signals(signum).name
                if deadline is None:
                    deadline = time.monotonic() + self._grace
                    logger.warning(
                        "%s received: no new task starts; the running one has "
                        "%.0f s to finish.",
                        name,
                        self._grace,
                        extra={"signal": name, "grace_seconds": self._grace},
                    )
                    self._on_stop()
                else:
                    logger.info(
                        "%s received again: still stopping.",
                        name,
                        extra={"signal": name},
                    )

    def _force_exit(self) -> None:
        logger.error(
            "The running task outlived the %.0f s grace period: exiting now; "
            "its lease hands the job to another worker.",
            self._grace,
            extra={"grace_seconds": self._grace},
        )
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(FORCED_EXIT_STATUS)
