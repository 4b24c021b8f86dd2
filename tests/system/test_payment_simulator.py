"""`manage.py payment_simulate`: a developer completes a payment offline."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from apps.orders.status import OrderStatus
from apps.payments.models import Payment, PaymentStatus, Provider
from apps.payments.services import payment_initialize
from tests.factories.orders import buyer_of, placed_order
from tests.support.live_server import live_server

pytestmark = [pytest.mark.system, pytest.mark.slow]


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), live_server() as running:
        yield running


@pytest.mark.parametrize("provider", [Provider.STRIPE, Provider.PAYSTACK])
def test_a_simulated_payment_succeeds_through_the_real_webhook(
    transactional_db, server, provider
):
    order = placed_order()
    payment = payment_initialize(
        order_id=order.pk, provider=provider, actor_id=buyer_of(order).pk
    )
    out = io.StringIO()

    call_command(
        "payment_simulate",
        payment.reference,
        "succeeded",
        "--url",
        server.url,
        stdout=out,
    )

    assert " -> 200 " in out.getvalue()
    payment.refresh_from_db()
    order.refresh_from_db()
    assert (payment.status, order.status) == (PaymentStatus.CAPTURED, OrderStatus.PAID)


def test_a_refund_then_returns_the_order(transactional_db, server):
    order = placed_order()
    payment = payment_initialize(
        order_id=order.pk, provider=Provider.STRIPE, actor_id=buyer_of(order).pk
    )
    for outcome in ("succeeded", "refunded"):
        call_command(
            "payment_simulate",
            payment.reference,
            outcome,
            "--url",
            server.url,
            stdout=io.StringIO(),
        )

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED
    assert payment.order.status == OrderStatus.REFUNDED


def test_an_unknown_reference_is_a_clear_error(transactional_db):
    with pytest.raises(CommandError, match="No payment"):
        call_command("payment_simulate", "pi_nope", "succeeded")


def test_paystack_has_no_failure_event(transactional_db):
    payment = payment_initialize(
        order_id=(order := placed_order()).pk,
        provider=Provider.PAYSTACK,
        actor_id=buyer_of(order).pk,
    )

    with pytest.raises(CommandError, match="sends no 'failed' event"):
        call_command("payment_simulate", payment.reference, "failed")
    assert Payment.objects.get().status == PaymentStatus.PENDING
