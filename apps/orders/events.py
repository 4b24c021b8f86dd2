"""Domain events of orders and their handlers, called explicitly (no signals).

Events are published after the transaction that caused them commits;
handlers only enqueue follow-up work, through `enqueue_on_commit`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.db import transaction

from apps.jobs.outbox import job_enqueue
from apps.orders import tasks

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderCreated:
    """A new order was placed (committed)."""

    order_id: int
    customer_id: int


def _order_received_email_enqueue(event: OrderCreated) -> None:
    job_enqueue(
        tasks.order_received_email_send_task,
        key=f"order-received-email:{event.order_id}",
        order_id=event.order_id,
    )


ORDER_CREATED_HANDLERS: tuple[Callable[[OrderCreated], None], ...] = (
    _order_received_email_enqueue,
)


def order_created_publish(event: OrderCreated) -> None:
    """Run every OrderCreated handler once the current transaction commits.

    Robust: a failing handler is logged by Django and cannot undo or fail
    the order that already committed.
    """
    transaction.on_commit(partial(_dispatch, event), robust=True)


def _dispatch(event: OrderCreated) -> None:
    for handler in ORDER_CREATED_HANDLERS:
        try:
            handler(event)
        except Exception:  # one failing handler must not starve the others
            logger.exception(
                "OrderCreated handler failed", extra={"order_id": event.order_id}
            )
