"""The one way domain code enqueues background work: after commit, with ids.

Django's documented recipe (`transaction.on_commit(partial(task.enqueue, ...))`)
plus the current request id, so a task's log lines can be traced back to the
request that caused it. Arguments must be JSON-safe: ids and strings.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction
from django.tasks import Task

from apps.core.request_context import current_request_id


def enqueue_on_commit(task: Task[..., Any], **kwargs: Any) -> None:
    """Enqueue `task` with `kwargs` once the current transaction commits.

    Outside a transaction it is enqueued at once. The task receives a
    `request_id` keyword argument: accept it (and bind it while running).
    """
    transaction.on_commit(
        partial(task.enqueue, **kwargs, request_id=current_request_id())
    )
