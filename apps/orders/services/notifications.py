"""Emails about orders, each sent at most once per order and kind."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from apps.orders import carriers, models
from apps.orders.errors import OrderNotFoundError

Kind = models.OrderEmail.Kind

# kind -> (subject with {number}, template name without extension)
_EMAILS = {
    Kind.RECEIVED: ("We received your order {number}", "orders/email/order_received"),
    Kind.CONFIRMED: (
        "Your order {number} is confirmed",
        "orders/email/order_confirmed",
    ),
    Kind.SHIPPED: ("Your order {number} is on its way", "orders/email/order_shipped"),
}


def order_received_email_send(*, order_id: int) -> bool:
    """Send the "order received" email unless it was sent; return whether sent.

    Raises:
        OrderNotFoundError: the order is gone.
    """
    return _order_email_send(order_id=order_id, kind=Kind.RECEIVED)


def order_confirmation_email_send(*, order_id: int) -> bool:
    """Send the "order confirmed" email (it was paid) unless it was sent.

    Raises:
        OrderNotFoundError: the order is gone.
    """
    return _order_email_send(order_id=order_id, kind=Kind.CONFIRMED)


def order_shipped_email_send(*, order_id: int) -> bool:
    """Send the "order shipped" email, with the tracking link, unless it was sent.

    Raises:
        OrderNotFoundError: the order is gone.
    """
    return _order_email_send(order_id=order_id, kind=Kind.SHIPPED)


def _order_email_send(*, order_id: int, kind: models.OrderEmail.Kind) -> bool:
    """Send one kind of email about an order, at most once; return whether sent.

    The send is recorded (unique per order and kind) in the same transaction
    as the sending: a concurrent second run waits on the record and then
    sends nothing; a failed send records nothing, so a retry sends it. A
    crash after the message left but before the commit sends it again on
    the retry: at-least-once, as SMTP itself is.
    """
    with transaction.atomic():
        order = (
            models.Order.objects.select_related("customer").filter(pk=order_id).first()
        )
        if order is None:
            raise OrderNotFoundError
        try:
            with transaction.atomic():
                models.OrderEmail.objects.create(
                    order=order, kind=kind, sent_at=timezone.now()
                )
        except IntegrityError:
            return False
        subject, template = _EMAILS[kind]
        context = {
            "order": order,
            "lines": list(order.lines.order_by("id")),
            "tracking_url": carriers.tracking_url(
                carrier=order.carrier, tracking_number=order.tracking_number
            ),
            "order_url": guest_order_url(order),
        }
        message = EmailMultiAlternatives(
            subject=subject.format(number=order.number),
            body=render_to_string(f"{template}.txt", context),
            to=[order_email_address(order)],
        )
        message.attach_alternative(
            render_to_string(f"{template}.html", context), "text/html"
        )
        message.send()
        return True


def order_email_address(order: models.Order) -> str:
    """Where the order's emails go: as given at purchase, else the account's."""
    if order.email:
        return order.email
    return order.customer.email if order.customer is not None else ""


def guest_order_url(order: models.Order) -> str:
    """The link in a guest's emails: ORDER_STATUS_URL with the checkout's token.

    The storefront reads the order with orderByToken. A customer's order has
    no such link: they sign in to see it.
    """
    if order.customer_id is not None or not order.checkout_token:
        return ""
    template: str = settings.ORDER_STATUS_URL
    return template.replace("{token}", order.checkout_token)
