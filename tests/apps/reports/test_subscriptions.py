from __future__ import annotations

import pytest

from apps.jobs.models import Job
from apps.orders import events
from apps.orders.services import order_mark_paid
from apps.reports import subscriptions, tasks
from tests.factories.orders import placed_order


def test_reports_subscribe_to_paid_and_refunded_orders_only():
    handler = subscriptions.sales_rollup_enqueue

    assert handler in events.order_event_handlers(events.OrderPaid)
    assert handler in events.order_event_handlers(events.OrderRefunded)
    assert handler not in events.order_event_handlers(events.OrderCreated)


@pytest.mark.django_db
def test_paying_an_order_queues_its_roll_up_with_the_payment():
    order = placed_order()

    order_mark_paid(order_id=order.pk)

    rollups = Job.objects.filter(task_path=tasks.sales_rollup_order_task.module_path)
    assert list(rollups.values_list("kwargs__order_id", flat=True)) == [order.pk]
