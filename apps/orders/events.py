"""Domain events of orders and their handlers, called explicitly (no signals).

Events are published inside the transaction that causes them, and handlers
only enqueue follow-up jobs through the outbox (`apps.jobs`): the jobs commit
or roll back with the change, and run only after it has committed. A handler
that fails therefore fails the change, as any other write in it would.

Apps above orders (reports) react to its events without orders importing
them: they subscribe a handler from their `AppConfig.ready`
(`order_event_subscribe`), so every arrow still points down. The registry is
an explicit list, read in order, unlike Django signals (which are avoided
for domain flow: senders and receivers cannot be seen from each other).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection

from apps.jobs.outbox import job_enqueue
from apps.orders import tasks


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderCreated:
    """A new order was placed."""

    order_id: int
    customer_id: int | None  # None for a guest


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderPaid:
    """An order's payment was captured: its units are sold."""

    order_id: int


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderFulfilled:
    """A paid order was handed to a carrier."""

    order_id: int


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderRefunded:
    """A paid order was refunded in full (or in part: `partial`)."""

    order_id: int
    partial: bool = False


type OrderEvent = OrderCreated | OrderPaid | OrderFulfilled | OrderRefunded


def _order_received_email_enqueue(event: OrderCreated) -> None:
    job_enqueue(
        tasks.order_received_email_send_task,
        key=f"order-received-email:{event.order_id}",
        order_id=event.order_id,
    )


def _order_confirmation_email_enqueue(event: OrderPaid) -> None:
    job_enqueue(
        tasks.order_confirmation_email_send_task,
        key=f"order-confirmation-email:{event.order_id}",
        order_id=event.order_id,
    )


def _order_shipped_email_enqueue(event: OrderFulfilled) -> None:
    job_enqueue(
        tasks.order_shipped_email_send_task,
        key=f"order-shipped-email:{event.order_id}",
        order_id=event.order_id,
    )


# Event type -> its handlers, run in this order: orders' own first, then
# each subscriber in the order the apps' `ready` registered it.
_HANDLERS: dict[type[Any], list[Callable[[Any], None]]] = {
    OrderCreated: [_order_received_email_enqueue],
    OrderPaid: [_order_confirmation_email_enqueue],
    OrderFulfilled: [_order_shipped_email_enqueue],
    OrderRefunded: [],
}


def order_event_subscribe[E: OrderEvent](
    event_type: type[E], handler: Callable[[E], None]
) -> None:
    """Run `handler` for every `event_type` published from now on.

    Called from an upper app's `AppConfig.ready`; registering the same
    handler again changes nothing. The handler runs inside the transaction
    of the change and may only enqueue jobs (`job_enqueue`).
    """
    handlers = _HANDLERS[event_type]
    if handler not in handlers:
        handlers.append(handler)


def order_event_handlers(
    event_type: type[OrderEvent],
) -> tuple[Callable[..., None], ...]:
    """The handlers an `event_type` runs, in order (for tests and the curious)."""
    return tuple(_HANDLERS[event_type])


def order_created_publish(event: OrderCreated) -> None:
    """Run every OrderCreated handler in the current transaction."""
    _publish(event)


def order_paid_publish(event: OrderPaid) -> None:
    """Run every OrderPaid handler in the current transaction."""
    _publish(event)


def order_fulfilled_publish(event: OrderFulfilled) -> None:
    """Run every OrderFulfilled handler in the current transaction."""
    _publish(event)


def order_refunded_publish(event: OrderRefunded) -> None:
    """Run every OrderRefunded handler in the current transaction."""
    _publish(event)


def _publish(event: OrderEvent) -> None:
    # Outside a transaction the jobs would commit without the change.
    if not connection.in_atomic_block:
        msg = "Order events are published inside the transaction of the change."
        raise RuntimeError(msg)
    for handler in _HANDLERS[type(event)]:
        handler(event)
