"""An order has at most one open payment; a capture that slips past that is
refunded automatically (docs/payments.md, "One open payment per order")."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from apps.jobs.models import Job, JobStatus
from apps.orders.status import OrderStatus
from apps.payments.errors import ProviderUnavailableError
from apps.payments.models import Payment, PaymentStatus, Provider
from apps.payments.services import payment_initialize
from tests.apps.core.threads import race
from tests.apps.payments.test_processing import deliver
from tests.factories.orders import placed_order
from tests.factories.payments import payment_for
from tests.support.provider_api import running_provider_api


@pytest.fixture
def api(settings):
    with running_provider_api() as running:
        settings.PAYMENTS_ADAPTER = "live"
        settings.STRIPE_API_BASE = running.url
        settings.PAYSTACK_API_BASE = running.url
        settings.STRIPE_SECRET_KEY = "sk_test_standin"
        yield running


def start(order, provider: Provider) -> Payment:
    return payment_initialize(
        order_id=order.pk, provider=provider, actor_id=order.customer_id
    )


@pytest.mark.django_db
def test_starting_with_another_provider_cancels_the_open_payment_at_its_provider(
    api,
):
    order = placed_order()
    stripe = start(order, Provider.STRIPE)

    paystack = start(order, Provider.PAYSTACK)

    stripe.refresh_from_db()
    assert stripe.status == PaymentStatus.CANCELLED
    assert paystack.status == PaymentStatus.PENDING
    cancels = [(p, k) for p, k, _ in api.requests if p.endswith("/cancel")]
    assert cancels == [
        (f"/v1/payment_intents/{stripe.reference}/cancel", f"cancel:{stripe.pk}")
    ]
    event = stripe.events.get()
    assert (event.from_status, event.to_status) == ("PENDING", "CANCELLED")


@pytest.mark.django_db
def test_a_provider_that_does_not_answer_the_cancel_leaves_the_first_payment_open(
    settings,
):
    order = placed_order()
    first = start(order, Provider.STRIPE)
    settings.PAYMENTS_ADAPTER = "live"
    settings.STRIPE_API_BASE = "http://127.0.0.1:1"
    settings.STRIPE_SECRET_KEY = "sk_test_standin"

    with pytest.raises(ProviderUnavailableError):
        start(order, Provider.PAYSTACK)

    assert Payment.objects.get().pk == first.pk
    assert Payment.objects.get().status == PaymentStatus.PENDING


@pytest.mark.django_db
def test_the_database_refuses_a_second_open_payment_of_one_order():
    order = placed_order()
    payment_for(order)

    with pytest.raises(IntegrityError), transaction.atomic():
        payment_for(order, provider=Provider.PAYSTACK)


@pytest.mark.django_db
def test_closed_payments_do_not_count_as_open():
    order = placed_order()
    Payment.objects.filter(pk=payment_for(order).pk).update(status=PaymentStatus.FAILED)

    payment_for(order, provider=Provider.PAYSTACK)

    assert Payment.objects.filter(order=order).count() == 2


@pytest.mark.django_db
def test_a_second_capture_of_a_paid_order_is_refunded_once_by_a_critical_job(
    api, django_capture_on_commit_callbacks
):
    order = placed_order()
    first = start(order, Provider.STRIPE)
    second = start(order, Provider.PAYSTACK)
    deliver(first, "payment_intent.succeeded")  # paid although cancelled

    with django_capture_on_commit_callbacks(execute=True):
        deliver(second, "charge.success")

    job = Job.objects.get(task_path__endswith="payment_refund_task")
    assert (job.queue, job.status) == ("critical", JobStatus.SUCCEEDED)
    assert job.key == f"payment-refund:{second.pk}:{second.amount}"
    refunds = [(p, k, f) for p, k, f in api.requests if p == "/refund"]
    assert refunds == [
        (
            "/refund",
            f"refund:{second.pk}:{second.amount}",
            {"transaction": second.reference, "amount": int(second.amount * 100)},
        )
    ]
    second.refresh_from_db()
    assert second.status == PaymentStatus.CAPTURED
    assert second.flagged_reason == ""
    assert second.events.filter(note__startswith="automatic refund").count() == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID


@pytest.mark.django_db
def test_the_refund_of_a_duplicate_capture_leaves_the_order_paid():
    order = placed_order()
    first = start(order, Provider.STRIPE)
    second = start(order, Provider.PAYSTACK)
    deliver(first, "payment_intent.succeeded")
    deliver(second, "charge.success")

    deliver(second, "refund.processed")

    second.refresh_from_db()
    order.refresh_from_db()
    assert second.status == PaymentStatus.REFUNDED
    assert order.status == OrderStatus.PAID
    first.refresh_from_db()
    assert first.status == PaymentStatus.CAPTURED


@pytest.mark.postgres
@pytest.mark.slow
def test_two_concurrent_starts_with_different_providers_leave_one_open_payment(
    transactional_db,
):
    for _ in range(5):
        order = placed_order()
        providers = [Provider.STRIPE, Provider.PAYSTACK]

        outcome = race(2, lambda i: start(order, providers[i]).pk)  # noqa: B023

        assert outcome.errors == {}
        statuses = sorted(
            Payment.objects.filter(order=order).values_list("status", flat=True)
        )
        assert statuses == [PaymentStatus.CANCELLED, PaymentStatus.PENDING]
