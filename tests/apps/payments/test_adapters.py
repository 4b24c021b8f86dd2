"""The live adapter over real HTTP (a local stand-in for the providers' APIs),
and the capture job that uses it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from apps.jobs.models import Job, JobStatus
from apps.orders.status import OrderStatus
from apps.payments import providers
from apps.payments.errors import PaymentError, ProviderUnavailableError
from apps.payments.models import (
    Payment,
    PaymentStatus,
    Provider,
    WebhookEvent,
    WebhookStatus,
)
from apps.payments.providers.base import StartRequest
from apps.payments.services import (
    payment_capture,
    payment_initialize,
    payment_refund,
    payment_refund_request,
)
from tests.apps.payments.test_processing import deliver
from tests.factories.orders import buyer_of, placed_order
from tests.factories.payments import payment_for
from tests.support.provider_api import running_provider_api

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(settings):
    with running_provider_api() as running:
        settings.PAYMENTS_ADAPTER = "live"
        settings.STRIPE_API_BASE = running.url
        settings.PAYSTACK_API_BASE = running.url
        settings.STRIPE_SECRET_KEY = "sk_test_standin"
        settings.PAYSTACK_SECRET_KEY = "sk_test_standin"
        yield running


def _request(provider: Provider, key: str = "payment-init:1:x:1") -> StartRequest:
    return StartRequest(
        provider=provider,
        amount=Decimal("49.99"),
        currency="USD",
        email="ada@example.com",
        order_number="FS-AAAAA-BBBBB",
        idempotency_key=key,
    )


def test_stripe_payments_start_as_payment_intents_with_the_idempotency_key(api):
    started = providers.get(Provider.STRIPE).start(_request(Provider.STRIPE))

    assert (started.reference, started.client_secret) == (
        "pi_live_1",
        "pi_live_1_secret_x",
    )
    ((path, key, form),) = api.requests
    assert path == "/v1/payment_intents"
    assert key == "payment-init:1:x:1"
    assert (form["amount"], form["currency"]) == ("4999", "usd")


def test_paystack_payments_start_at_transaction_initialize(api):
    started = providers.get(Provider.PAYSTACK).start(_request(Provider.PAYSTACK))

    assert started.authorization_url == "https://checkout.paystack.com/1"
    ((path, _, form),) = api.requests
    assert path == "/transaction/initialize"
    assert form["amount"] == 4999
    assert started.reference == form["reference"]


def test_an_unreachable_provider_is_a_retryable_error(settings):
    settings.PAYMENTS_ADAPTER = "live"
    settings.STRIPE_API_BASE = "http://127.0.0.1:1"
    settings.STRIPE_SECRET_KEY = "sk_test_standin"

    with pytest.raises(ProviderUnavailableError) as raised:
        providers.get(Provider.STRIPE).start(_request(Provider.STRIPE))

    assert raised.value.retryable is True


def test_payment_initialize_retried_reaches_the_same_provider_payment(api):
    order = placed_order()

    payment_initialize(
        order_id=order.pk, provider=Provider.STRIPE, actor_id=buyer_of(order).pk
    )
    payment_initialize(
        order_id=order.pk, provider=Provider.STRIPE, actor_id=buyer_of(order).pk
    )

    assert len(api.requests) == 1  # the open payment is reused: no second intent


def test_an_authorization_enqueues_one_capture_with_a_key_from_the_payment(
    api, django_capture_on_commit_callbacks
):
    payment = payment_for(placed_order())

    with django_capture_on_commit_callbacks(execute=True):
        deliver(payment, "payment_intent.amount_capturable_updated")

    job = Job.objects.get(key=f"payment-capture:{payment.pk}")
    assert job.status == JobStatus.SUCCEEDED
    ((path, key, _),) = api.requests
    assert path == f"/v1/payment_intents/{payment.reference}/capture"
    assert key == f"capture:{payment.pk}"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.AUTHORIZED  # captured when Stripe says so
    assert payment.events.filter(note="capture requested").count() == 1


def test_a_capture_run_again_sends_the_same_key_and_only_while_authorized(api):
    payment = payment_for(placed_order())
    deliver(payment, "payment_intent.amount_capturable_updated")

    # A rerun after a crash between the call and the commit: same key again.
    assert payment_capture(payment_id=payment.pk) is True
    assert payment_capture(payment_id=payment.pk) is True
    assert {key for _, key, _ in api.requests} == {f"capture:{payment.pk}"}

    deliver(payment, "payment_intent.succeeded")
    assert payment_capture(payment_id=payment.pk) is False  # captured: nothing to ask


def test_a_staff_refund_reaches_the_provider_once_per_refunded_total(
    api, django_capture_on_commit_callbacks
):
    payment = payment_for(placed_order())
    deliver(payment, "payment_intent.succeeded")

    with django_capture_on_commit_callbacks(execute=True):
        payment_refund_request(payment_id=payment.pk)
    # Clicked again before Stripe's refund event: the same job, nothing new.
    with django_capture_on_commit_callbacks(execute=True):
        payment_refund_request(payment_id=payment.pk)
    payment_refund(payment_id=payment.pk, target=str(payment.amount))  # a rerun

    keys = [key for path, key, _ in api.requests if path == "/v1/refunds"]
    assert (
        keys == [f"refund:{payment.pk}:{payment.amount}"] * 2
    )  # the same key both times
    assert len({answer for key, answer in api.answers.items() if key in keys}) == 1
    deliver(payment, "charge.refunded")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED
    assert payment_refund(payment_id=payment.pk, target=str(payment.amount)) is False


def test_only_captured_money_can_be_refunded(api):
    payment = payment_for(placed_order())

    with pytest.raises(PaymentError, match="Only a captured payment"):
        payment_refund_request(payment_id=payment.pk)


def test_an_event_that_came_before_its_payment_is_applied_once_the_payment_exists(
    api, django_capture_on_commit_callbacks
):
    order = placed_order()
    # The provider's first PaymentIntent will be pi_live_1: its capture event
    # arrives before paymentInitialize has stored the payment.
    early = Payment(
        order=order,
        provider=Provider.STRIPE,
        reference="pi_live_1",
        amount=order.total,
        currency=order.currency,
    )
    assert deliver(early, "payment_intent.succeeded") == WebhookStatus.ORPHAN

    with django_capture_on_commit_callbacks(execute=True):
        payment = payment_initialize(
            order_id=order.pk, provider=Provider.STRIPE, actor_id=buyer_of(order).pk
        )

    assert payment.reference == "pi_live_1"
    payment.refresh_from_db()
    order.refresh_from_db()
    assert (payment.status, order.status) == (PaymentStatus.CAPTURED, OrderStatus.PAID)
    assert WebhookEvent.objects.get().status == WebhookStatus.APPLIED
