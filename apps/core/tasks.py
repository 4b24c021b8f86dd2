"""Housekeeping tasks of the shared mechanisms in apps.core."""

from __future__ import annotations

from django.tasks import task

from apps.core.idempotency import idempotency_records_purge


@task(queue_name="analytics")
def idempotency_records_purge_task() -> int:
    """Delete idempotency records past their retention; return how many."""
    return idempotency_records_purge()
