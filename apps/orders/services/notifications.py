"""Emails about orders, each sent at most once per order and kind."""

from __future__ import annotations

from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from apps.orders import models
from apps.orders.errors import OrderNotFoundError


def order_received_email_send(*, order_id: int) -> bool:
    """Send the "order received" email unless it was sent; return whether sent.

    The send is recorded (unique per order and kind) in the same transaction
    as the sending: a concurrent second run waits on the record and then
    sends nothing; a failed send records nothing, so a retry sends it.

    Raises:
        OrderNotFoundError: the order is gone.
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
                    order=order,
                    kind=models.OrderEmail.Kind.RECEIVED,
                    sent_at=timezone.now(),
                )
        except IntegrityError:
            return False
        context = {"order": order, "lines": list(order.lines.order_by("id"))}
        message = EmailMultiAlternatives(
            subject=f"We received your order {order.number}",
            body=render_to_string("orders/email/order_received.txt", context),
            to=[order.customer.email],
        )
        message.attach_alternative(
            render_to_string("orders/email/order_received.html", context), "text/html"
        )
        message.send()
        return True
