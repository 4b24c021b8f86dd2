"""Starting a payment for an order's outstanding amount."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.core import idempotency
from apps.jobs.outbox import job_enqueue
from apps.orders import locks as order_locks
from apps.orders.models import Order
from apps.orders.status import OrderStatus
from apps.payments import adapters, tasks
from apps.payments.errors import PaymentError, PaymentErrorCode
from apps.payments.models import (
    Payment,
    PaymentStatus,
    Provider,
    WebhookEvent,
    WebhookStatus,
)

OPERATION = "payment_initialize"
OPEN = (PaymentStatus.PENDING, PaymentStatus.AUTHORIZED)


def payment_initialize(
    *,
    order_id: int,
    provider: Provider,
    actor_id: int,
    idempotency_key: str | None = None,
) -> Payment:
    """Start paying an unpaid order through `provider`; return the payment.

    The customer may pay their own order (staff any); another customer's is
    ORDER_NOT_FOUND. An open payment of the order with the same provider is
    returned again rather than duplicated. The provider is called before the
    row is written, with a key derived from the order and attempt, so a retry
    after a failure here reaches the same provider payment.

    Raises:
        PaymentError: ORDER_NOT_FOUND, ORDER_NOT_PAYABLE (not awaiting
            payment, or past its payment window).
        ProviderUnavailableError: PROVIDER_UNAVAILABLE (retryable).
        IdempotencyError: IDEMPOTENCY_KEY_REUSED, INVALID_IDEMPOTENCY_KEY.
    """
    if idempotency_key is None:
        return _initialize(order_id, provider, actor_id)
    scope = idempotency.IdempotencyScope(
        operation=OPERATION, owner=f"user:{actor_id}", key=idempotency_key
    )
    request = {"order_id": order_id, "provider": str(provider)}
    stored = idempotency.idempotency_lookup(scope=scope, request=request)
    if stored is None:
        payment = _initialize(order_id, provider, actor_id)
        stored = idempotency.idempotent_call(
            scope=scope, request=request, execute=lambda: {"payment_id": payment.pk}
        ).response
    return Payment.objects.get(pk=stored["payment_id"])


def _initialize(order_id: int, provider: Provider, actor_id: int) -> Payment:
    order = _payable(order_id, actor_id)
    existing = (
        Payment.objects.filter(order=order, provider=provider, status__in=OPEN)
        .order_by("-pk")
        .first()
    )
    if existing is not None:
        return existing
    attempt = Payment.objects.filter(order=order, provider=provider).count() + 1
    started = adapters.adapter().start(
        adapters.StartRequest(
            provider=provider,
            amount=order.total,
            currency=order.currency,
            email=order.customer.email,
            order_number=order.number,
            idempotency_key=f"payment-init:{order.pk}:{provider}:{attempt}",
        )
    )
    with transaction.atomic():
        order = order_locks.orders_for_update([order.pk]).get()
        _payable_check(order)
        payment = Payment.objects.create(
            order=order,
            provider=provider,
            reference=started.reference,
            amount=order.total,
            currency=order.currency,
            client_secret=started.client_secret,
            authorization_url=started.authorization_url,
        )
        _orphans_adopt(payment)
    return payment


def _payable(order_id: int, actor_id: int) -> Order:
    actor = User.objects.filter(pk=actor_id, is_active=True).first()
    order = Order.objects.select_related("customer").filter(pk=order_id).first()
    if (
        order is None
        or actor is None
        or not (actor.is_staff or order.customer_id == actor.pk)
    ):
        raise PaymentError(
            PaymentErrorCode.ORDER_NOT_FOUND, "No order has this ID.", field="order_id"
        )
    _payable_check(order)
    return order


def _payable_check(order: Order) -> None:
    if order.status != OrderStatus.PENDING_PAYMENT:
        raise PaymentError(
            PaymentErrorCode.ORDER_NOT_PAYABLE,
            f"An order that is {order.status} cannot be paid.",
            field="order_id",
        )
    if order.expires_at is not None and order.expires_at <= timezone.now():
        raise PaymentError(
            PaymentErrorCode.ORDER_NOT_PAYABLE,
            "The order's payment window has closed; place it again.",
            field="order_id",
        )


def _orphans_adopt(payment: Payment) -> None:
    """Process again the events that arrived before this payment existed."""
    orphans = WebhookEvent.objects.filter(
        provider=payment.provider,
        reference=payment.reference,
        status=WebhookStatus.ORPHAN,
    )
    ids = list(orphans.values_list("pk", flat=True))
    orphans.update(status=WebhookStatus.RECEIVED)
    for pk in ids:
        job_enqueue(
            tasks.webhook_event_process_task,
            key=f"webhook:{pk}:adopted",
            webhook_event_id=pk,
        )
