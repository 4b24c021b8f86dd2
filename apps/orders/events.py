"""Domain events of orders and their handlers, called explicitly (no signals).

Events are published inside the transaction that causes them, and handlers
only enqueue follow-up jobs through the outbox (`apps.jobs`): the jobs commit
or roll back with the change, and run only after it has committed. A handler
that fails therefore fails the change, as any other write in it would.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection

from apps.jobs.outbox import job_enqueue
from apps.orders import tasks
from apps.reports.tasks import sales_rollup_order_task


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderCreated:
    """A new order was placed."""

    order_id: int
    customer_id: int


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


def _sales_rollup_enqueue(event: OrderPaid | OrderRefunded) -> None:
    # No key: every change needs its own recomputation, which is idempotent.
    job_enqueue(sales_rollup_order_task, order_id=event.order_id)


ORDER_CREATED_HANDLERS: tuple[Callable[[OrderCreated], None], ...] = (
    _order_received_email_enqueue,
)
ORDER_PAID_HANDLERS: tuple[Callable[[OrderPaid], None], ...] = (
    _order_confirmation_email_enqueue,
    _sales_rollup_enqueue,
)
ORDER_FULFILLED_HANDLERS: tuple[Callable[[OrderFulfilled], None], ...] = (
    _order_shipped_email_enqueue,
)
# Cancelling only ever concerns unpaid orders, which reports do not count.
ORDER_REFUNDED_HANDLERS: tuple[Callable[[OrderRefunded], None], ...] = (
    _sales_rollup_enqueue,
)


def order_created_publish(event: OrderCreated) -> None:
    """Run every OrderCreated handler in the current transaction."""
    _require_transaction()
    for handler in ORDER_CREATED_HANDLERS:
        handler(event)


def order_paid_publish(event: OrderPaid) -> None:
    """Run every OrderPaid handler in the current transaction."""
    _require_transaction()
    for handler in ORDER_PAID_HANDLERS:
        handler(event)


def order_fulfilled_publish(event: OrderFulfilled) -> None:
    """Run every OrderFulfilled handler in the current transaction."""
    _require_transaction()
    for handler in ORDER_FULFILLED_HANDLERS:
        handler(event)


def order_refunded_publish(event: OrderRefunded) -> None:
    """Run every OrderRefunded handler in the current transaction."""
    _require_transaction()
    for handler in ORDER_REFUNDED_HANDLERS:
        handler(event)


def _require_transaction() -> None:
    # Outside a transaction the jobs would commit without the change.
    if not connection.in_atomic_block:
        msg = "Order events are published inside the transaction of the change."
        raise RuntimeError(msg)
