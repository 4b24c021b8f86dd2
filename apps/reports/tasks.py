"""Report jobs, on the analytics queue."""

from __future__ import annotations

from django.tasks import task

from apps.reports import rollups


@task(queue_name="analytics")
def sales_rollup_order_task(*, order_id: int) -> str | None:
    """Recompute the roll-ups of the day order `order_id` was paid on."""
    day = rollups.rollup_order(order_id)
    return None if day is None else day.isoformat()


@task(queue_name="analytics")
def generate_sales_report(*, snapshot_id: int) -> str:
    """Compute and store a sales report snapshot."""
    from apps.reports.snapshots import snapshot_compute  # imports this module

    return str(snapshot_compute(snapshot_id=snapshot_id))
