"""Background work about orders: take ids, reload, call a service."""

from __future__ import annotations

from django.tasks import task

from apps.core.request_context import bind_request_id, reset_request_id
from apps.orders import services


@task()
def order_received_email_send_task(
    *, order_id: int, request_id: str | None = None
) -> bool:
    """Send the "order received" email; return whether this run sent it.

    Idempotent: a second run (retry, duplicate delivery) sends nothing.
    """
    token = bind_request_id(request_id)
    try:
        return services.order_received_email_send(order_id=order_id)
    finally:
        reset_request_id(token)
