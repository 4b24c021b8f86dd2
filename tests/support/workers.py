"""Real task workers (`manage.py worker`, `manage.py jobs_beat`) in subprocesses.

They read the test database, so tests that use them need `transactional_db`.
Short detection windows come through the environment, so recovery takes
seconds, not minutes.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connection

from tests.support.live_server import ROOT, database_url

# Fast windows for tests: the production defaults are in config/settings/tasks.py.
FAST = {
    "JOBS_LEASE_SECONDS": "1.5",
    "JOBS_REDELIVER_SECONDS": "2",
    "JOBS_RECONCILE_SECONDS": "0.3",
    "JOBS_RELAY_PAUSE_SECONDS": "1",
    "JOBS_RETRY_DELAYS": "0.5,1,2",
    "JOBS_RETRY_JITTER": "0",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Worker:
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def log(self) -> str:
        return self.log_path.read_text("utf-8", "replace")

    def kill(self) -> None:
        """SIGKILL: no cleanup, no chance to finish or release anything."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def terminate(self, timeout: float = 30) -> int:
        """SIGTERM, then wait for it to exit; return its exit status."""
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=timeout)


def job_environment(**extra: str) -> dict[str, str]:
    """Environment of a process that shares this test's database and settings."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url(connection.settings_dict),
        "PYTHONUNBUFFERED": "1",
        **FAST,
        **extra,
    }


@contextmanager
def worker(*args: str, env: Mapping[str, str]) -> Iterator[Worker]:
    """Run `manage.py <args>` (e.g. "worker", "--queue", "emails") until exit."""
    log_file = tempfile.NamedTemporaryFile(  # noqa: SIM115 (outlives this frame)
        prefix="worker-", suffix=".log", delete=False
    )
    process = subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=dict(env),
        stdin=subprocess.DEVNULL,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log_file.close()
    running = Worker(process=process, log_path=Path(log_file.name))
    try:
        yield running
    except BaseException as error:
        error.add_note(
            f"--- {' '.join(args)} log (pid {process.pid}) ---\n{running.log()}"
        )
        raise
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        running.log_path.unlink(missing_ok=True)


def eventually[T](check: Callable[[], T], *, timeout: float = 30, what: str = "") -> T:
    """Poll `check` until it returns something truthy; fail after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            msg = f"not within {timeout} s: {what or check}"
            raise AssertionError(msg)
        time.sleep(0.1)


def redis_tasks(url: str) -> dict[str, dict[str, Any]]:
    """The TASKS setting of this app on the Redis at `url`."""
    from config.settings.tasks import TASK_BACKEND_CONFIGS

    backend: dict[str, Any] = dict(TASK_BACKEND_CONFIGS["redis"])
    backend["OPTIONS"] = {**backend["OPTIONS"], "REDIS_URL": url}
    return {"default": backend}
