"""Starting a payment for an order's outstanding amount."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.core import idempotency
from apps.jobs.outbox import job_enqueue
from apps.orders import locks as order_locks
from apps.orders.models import Order
from apps.orders.services.notifications import order_email_address
from apps.orders.status import OrderStatus
from apps.payments import locks as payment_locks
from apps.payments import providers, tasks
from apps.payments.errors import PaymentError, PaymentErrorCode
from apps.payments.models import (
    Payment,
    PaymentEvent,
    PaymentStatus,
    Provider,
    WebhookEvent,
    WebhookStatus,
)
from apps.payments.providers.base import StartRequest

OPERATION = "payment_initialize"


def payment_initialize(
    *,
    order_id: int,
    provider: Provider,
    actor_id: int | None,
    idempotency_key: str | None = None,
    order_token: str | None = None,
) -> Payment:
    """Start paying an unpaid order through `provider`; return the payment.

    The customer may pay their own order (staff any), and whoever holds a
    guest order's token (its checkout's) that guest order; any other order
    is ORDER_NOT_FOUND. An order has at most one open (PENDING or AUTHORIZED)
    payment: one with the same provider is returned again; one with another
    provider is cancelled at its provider first. The provider is called
    before the row is written, with a key derived from the order and
    attempt, so a retry after a failure here reaches the same payment.

    Raises:
        PaymentError: ORDER_NOT_FOUND, ORDER_NOT_PAYABLE (not awaiting
            payment, or past its payment window).
        ProviderUnavailableError: PROVIDER_UNAVAILABLE (retryable).
        IdempotencyError: IDEMPOTENCY_KEY_REUSED, INVALID_IDEMPOTENCY_KEY.
    """
    scope = None
    request: dict[str, object] = {}
    if idempotency_key is not None:
        owner = f"user:{actor_id}" if actor_id is not None else f"order:{order_id}"
        scope = idempotency.IdempotencyScope(
            operation=OPERATION, owner=owner, key=idempotency_key
        )
        request = {"order_id": order_id, "provider": str(provider)}
        # A retry is answered from the record, even once the order is paid.
        stored = idempotency.idempotency_lookup(scope=scope, request=request)
        if stored is not None:
            return Payment.objects.get(pk=stored["payment_id"])
    return _initialize(
        order_id, provider, actor_id, order_token, scope=scope, request=request
    )


@transaction.atomic
def _initialize(
    order_id: int,
    provider: Provider,
    actor_id: int | None,
    order_token: str | None,
    *,
    scope: idempotency.IdempotencyScope | None,
    request: dict[str, object],
) -> Payment:
    """Claim the key, then start the payment under the order's lock.

    The key is claimed first, so an identical request racing this one waits
    on the record and then replays the payment this one commits.
    """
    claim = idempotency.idempotency_claim(scope=scope, request=request)
    if claim.replay is not None:
        return Payment.objects.get(pk=claim.replay["payment_id"])
    order = _payable(order_id, actor_id, order_token)
    email, number = order_email_address(order), order.number
    # The order's lock serialises every start of a payment for it, so
    # "at most one open payment" holds between the read and the write; the
    # partial unique constraint payments_one_open_per_order backs it up.
    order = order_locks.orders_for_update([order.pk]).get()
    _payable_check(order)
    for existing in payment_locks.open_payments_for_update(order.pk):
        if existing.provider == provider:
            claim.complete({"payment_id": existing.pk})
            return existing
        _close(existing)
    attempt = Payment.objects.filter(order=order, provider=provider).count() + 1
    started = providers.gateway(provider).start(
        StartRequest(
            provider=provider,
            amount=order.total,
            currency=order.currency,
            email=email,
            order_number=number,
            idempotency_key=f"payment-init:{order.pk}:{provider}:{attempt}",
        )
    )
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                order=order,
                provider=provider,
                reference=started.reference,
                amount=order.total,
                currency=order.currency,
                client_secret=started.client_secret,
                authorization_url=started.authorization_url,
            )
    except IntegrityError:  # unreachable under the lock; never a 500
        raise PaymentError(
            PaymentErrorCode.ORDER_NOT_PAYABLE,
            "Another payment of this order started at the same moment; retry.",
            field="order_id",
        ) from None
    _orphans_adopt(payment)
    claim.complete({"payment_id": payment.pk})
    return payment


def _close(payment: Payment) -> None:
    """Cancel an open payment at its provider and record it CANCELLED.

    The key is derived from the payment, so a retry after a failure later in
    the same start (which rolls this row back) cancels the same thing again.
    A capture that still arrives for it is applied (the money was taken) and,
    the order being paid twice, refunded automatically.
    """
    providers.gateway(payment.provider).cancel(
        reference=payment.reference,
        idempotency_key=f"cancel:{payment.pk}",
    )
    previous = payment.status
    payment.status = PaymentStatus.CANCELLED
    payment.save(update_fields=["status", "updated_at"])
    PaymentEvent.objects.create(
        payment=payment,
        from_status=previous,
        to_status=PaymentStatus.CANCELLED,
        amount=payment.amount,
        note="cancelled: another payment of the order was started",
        created_at=timezone.now(),
    )


def _payable(order_id: int, actor_id: int | None, order_token: str | None) -> Order:
    actor = (
        User.objects.filter(pk=actor_id, is_active=True).first()
        if actor_id is not None
        else None
    )
    order = Order.objects.select_related("customer").filter(pk=order_id).first()
    guest_holder = (
        order is not None
        and order.customer_id is None
        and bool(order_token)
        and order.checkout_token == order_token
    )
    allowed = guest_holder or (
        actor is not None
        and order is not None
        and (actor.is_staff or order.customer_id == actor.pk)
    )
    if order is None or not allowed:
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
