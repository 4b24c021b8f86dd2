"""What reports do when orders change: recompute the day's roll-ups.

Registered into `apps.orders.events` from `ReportsConfig.ready`, so orders
never import reports.
"""

from __future__ import annotations

from apps.jobs.outbox import job_enqueue
from apps.orders import events
from apps.reports import tasks


def sales_rollup_enqueue(event: events.OrderPaid | events.OrderRefunded) -> None:
    """Queue the recomputation of the roll-ups of the day the order was paid."""
    # No key: every change needs its own recomputation, which is idempotent.
    job_enqueue(tasks.sales_rollup_order_task, order_id=event.order_id)


def order_events_subscribe() -> None:
    """Subscribe reports to the order events that change sales.

    Paid and refunded (in full or in part) orders change a day's figures;
    cancelling concerns only unpaid orders, which reports do not count.
    """
    events.order_event_subscribe(events.OrderPaid, sales_rollup_enqueue)
    events.order_event_subscribe(events.OrderRefunded, sales_rollup_enqueue)
