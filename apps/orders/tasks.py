"""Background work about orders: take ids, reload, call a service.

Run through the outbox (`apps.jobs`), which binds the request id and trace
of the request that enqueued them.
"""

from __future__ import annotations

from django.tasks import task
from django.utils import timezone

from apps.orders import services


@task(queue_name="emails")
def order_received_email_send_task(*, order_id: int) -> bool:
    """Send the "order received" email; return whether this run sent it.

    Idempotent: a second run (retry, duplicate delivery) sends nothing.
    """
    return services.order_received_email_send(order_id=order_id)


@task(queue_name="emails")
def order_confirmation_email_send_task(*, order_id: int) -> bool:
    """Send the "order confirmed" email once the order is paid; idempotent."""
    return services.order_confirmation_email_send(order_id=order_id)


@task(queue_name="emails")
def order_shipped_email_send_task(*, order_id: int) -> bool:
    """Send the "order shipped" email with its tracking link; idempotent."""
    return services.order_shipped_email_send(order_id=order_id)


@task(queue_name="critical")
def orders_expire_task() -> int:
    """Cancel unpaid orders past their payment window; return how many."""
    return len(services.orders_expire(now=timezone.now()))
