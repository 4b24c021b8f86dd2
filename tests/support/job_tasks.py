"""Tasks for the job tests. Their effects are lines appended to a file, which
a worker in another process can write and the test can read.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.tasks import task

from apps.core.request_context import current_request_id
from apps.jobs.errors import PermanentJobError


def _append(path: str, line: str) -> None:
    with Path(path).open("a") as log:
        log.write(line + "\n")


@task(queue_name="emails")
def record_task(*, path: str, label: str, sleep: float = 0.0) -> str:
    """Append `started <label>` (with this process and request id), sleep,
    then `done <label>`: an effect that shows each run and each completion.
    """
    _append(path, f"started {label} pid={os.getpid()} request={current_request_id()}")
    time.sleep(sleep)
    _append(path, f"done {label}")
    return label


@task(queue_name="critical")
def always_transient_task(*, path: str) -> None:
    """Fail as a dropped connection would, every time, noting the time."""
    _append(path, f"attempt {time.time()}")
    raise ConnectionError("provider unreachable")


@task(queue_name="analytics")
def permanent_task(*, path: str) -> None:
    _append(path, "attempt")
    raise PermanentJobError("the user no longer exists")


@task(queue_name="emails")
def failing_until_file_task(*, path: str, ok_file: str) -> None:
    """Fail transiently until `ok_file` exists (an operator fixed the cause)."""
    _append(path, "attempt")
    if not Path(ok_file).exists():
        raise ConnectionError("still down")
