"""Tasks for the job tests. Their effects are lines appended to a file, which
a worker in another process can write and the test can read.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import httpx
from django.db import transaction
from django.db.models import Count
from django.tasks import task

from apps.core.request_context import current_request_id
from apps.jobs.errors import PermanentJobError
from apps.orders.models import Order
from apps.orders.services import order_mark_paid
from apps.orders.status import OrderStatus


def _append(path: str, line: str) -> None:
    with Path(path).open("a") as log:
        log.write(line + "\n")


@task(queue_name="emails")
def record_task(*, path: str, label: str, sleep: float = 0.0) -> str:
    """Append `started <label>` (with this process and request id), sleep,
    then `done <label>`: an effect that shows each run and each completion.
    """
    _append(path, f"started {label} pid={os.getpid()} request={current_request_id()}")
    time.sleep(sleep)
    _append(path, f"done {label}")
    return label


@task(queue_name="critical")
def always_transient_task(*, path: str) -> None:
    """Fail as a dropped connection would, every time, noting the time."""
    _append(path, f"attempt {time.time()}")
    raise ConnectionError("provider unreachable")


@task(queue_name="analytics")
def permanent_task(*, path: str) -> None:
    _append(path, "attempt")
    raise PermanentJobError("the user no longer exists")


@task(queue_name="emails")
def failing_until_file_task(*, path: str, ok_file: str) -> None:
    """Fail transiently until `ok_file` exists (an operator fixed the cause)."""
    _append(path, "attempt")
    if not Path(ok_file).exists():
        raise ConnectionError("still down")


@task(queue_name="critical")
def order_charge_task(*, order_id: int, provider_url: str) -> str:
    """The payment job's shape: lock the order, call the provider with a key
    derived from the order (never from the attempt), record the outcome once.

    A re-run after a crash sends the same key, so the provider charges once;
    the order row lock makes concurrent runs take turns.
    """
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.status != OrderStatus.PENDING_PAYMENT:
            return "already settled"
        response = httpx.post(
            f"{provider_url}/charges",
            json={"amount": str(order.total), "currency": order.currency},
            headers={"Idempotency-Key": f"order-charge:{order.pk}"},
            timeout=10,
        )
        response.raise_for_status()
        order_mark_paid(order_id=order_id)  # in the same transaction
    return str(response.json()["id"])


@task(queue_name="analytics")
def orders_per_status_task(*, path: str) -> dict[str, int]:
    """The report job's shape: one aggregate query, its result stored."""
    counts = dict(
        Order.objects.values_list("status").annotate(n=Count("pk")).order_by("status")
    )
    _append(path, json.dumps(counts, sort_keys=True))
    return counts
