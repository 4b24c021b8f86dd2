"""Provider webhooks against the real server and real workers, on PostgreSQL.

Retries storms and crashes: the same event delivered ten times at once, and
a worker SIGKILLed while it is applying a capture. Each ends with one state
change, one audit row and one confirmation email.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psycopg
import pytest
from django.db import connection

from apps.jobs.models import Job
from apps.orders.models import OrderEmail
from apps.orders.status import OrderStatus
from apps.payments.models import (
    PaymentEvent,
    PaymentStatus,
    WebhookEvent,
    WebhookStatus,
)
from apps.payments.providers.stripe import event_payload as stripe_payload
from tests.factories.orders import placed_order
from tests.factories.payments import payment_for, stripe_signed
from tests.support.live_server import database_url, live_server
from tests.support.workers import eventually, job_environment, worker

pytestmark = [pytest.mark.system, pytest.mark.slow, pytest.mark.postgres]


@pytest.fixture
def env(transactional_db, mail_dir):
    return job_environment(TASKS_BACKEND="database", EMAIL_URL=f"filemail://{mail_dir}")


def _post(url: str, body: bytes, signature: str) -> int:
    response = httpx.post(
        f"{url}/webhooks/stripe/",
        content=body,
        headers={"Stripe-Signature": signature, "Content-Type": "application/json"},
        timeout=30,
    )
    return response.status_code


def test_one_event_delivered_ten_times_at_once_is_applied_once(env, mail_dir):
    payment = payment_for(placed_order())
    body, signature = stripe_signed(stripe_payload("payment_intent.succeeded", payment))

    with (
        live_server(env={**env, "WEB_WORKERS": "2"}) as server,
        worker("worker", env=env),
    ):
        with ThreadPoolExecutor(max_workers=10) as pool:
            statuses = list(
                pool.map(lambda _: _post(server.url, body, signature), range(10))
            )
        eventually(
            lambda: _confirmations(payment).exists(),
            timeout=30,
            what="the confirmation email was sent",
        )

    assert statuses == [200] * 10
    assert WebhookEvent.objects.get().status == WebhookStatus.APPLIED
    assert PaymentEvent.objects.filter(payment=payment).count() == 1
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CAPTURED
    assert payment.order.status == OrderStatus.PAID
    assert _confirmations(payment).count() == 1
    assert (
        _subjects(mail_dir).count(f"Your order {payment.order.number} is confirmed")
        == 1
    )


def test_a_worker_killed_while_applying_a_capture_captures_once(env, mail_dir):
    payment = payment_for(placed_order())
    body, signature = stripe_signed(stripe_payload("payment_intent.succeeded", payment))

    with live_server(env=env) as server:
        assert _post(server.url, body, signature) == 200
    event = WebhookEvent.objects.get()

    # Hold the order's row lock, so the worker stops inside the transaction
    # that applies the capture, then kill it there.
    blocker = psycopg.connect(
        database_url(connection.settings_dict).replace("postgres://", "postgresql://")
    )
    blocker.execute(
        "SELECT 1 FROM orders_order WHERE id = %s FOR UPDATE", [payment.order_id]
    )
    try:
        with worker("worker", env=env) as doomed:
            eventually(
                lambda: _waiting_on_lock(blocker),
                timeout=30,
                what="the worker is applying the capture",
            )
            doomed.kill()
    finally:
        blocker.rollback()
        blocker.close()
    assert WebhookEvent.objects.get().status == WebhookStatus.RECEIVED  # rolled back

    with worker("worker", "--beat", env=env):
        eventually(
            lambda: _confirmations(payment).exists(),
            timeout=30,
            what="the capture was applied and the email sent",
        )

    event.refresh_from_db()
    assert event.status == WebhookStatus.APPLIED
    assert (
        Job.objects.get(key=f"webhook:{event.pk}").attempts == 2
    )  # killed, then redone
    assert PaymentEvent.objects.filter(payment=payment).count() == 1
    payment.refresh_from_db()
    assert (payment.status, payment.order.status) == (
        PaymentStatus.CAPTURED,
        OrderStatus.PAID,
    )
    assert len(list(mail_dir.glob("*.log"))) == 1


def _confirmations(payment):
    return OrderEmail.objects.filter(
        order_id=payment.order_id, kind=OrderEmail.Kind.CONFIRMED
    )


def _subjects(mail_dir: Path) -> list[str]:
    """Subjects of every message the email backend wrote."""
    return [
        line.removeprefix("Subject: ")
        for path in mail_dir.glob("*.log")
        for line in path.read_text().splitlines()
        if line.startswith("Subject: ")
    ]


def _waiting_on_lock(blocker: psycopg.Connection) -> bool:
    with psycopg.connect(blocker.info.dsn) as probe:
        row = probe.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND query ILIKE '%%orders_order%%FOR UPDATE%%'"
        ).fetchone()
    return bool(row and row[0] > 0)
