from __future__ import annotations

import pytest
from django.core import mail

from apps.orders import models, tasks
from apps.orders.errors import OrderNotFoundError
from tests.factories.orders import placed_order


@pytest.mark.django_db
def test_the_email_is_sent_once_even_when_the_task_runs_twice():
    order = placed_order()

    first = tasks.order_received_email_send_task.call(order_id=order.pk)
    second = tasks.order_received_email_send_task.call(order_id=order.pk)

    assert (first, second) == (True, False)
    assert len(mail.outbox) == 1
    sent = models.OrderEmail.objects.get(order=order)
    assert sent.kind == models.OrderEmail.Kind.RECEIVED


@pytest.mark.django_db
def test_a_deleted_order_is_a_permanent_error_and_gets_no_email():
    with pytest.raises(OrderNotFoundError):
        tasks.order_received_email_send_task.call(order_id=999999)

    assert mail.outbox == []


@pytest.mark.django_db
def test_enqueueing_runs_the_task_on_the_immediate_backend():
    order = placed_order()

    result = tasks.order_received_email_send_task.enqueue(order_id=order.pk)

    assert result.return_value is True
    assert len(mail.outbox) == 1
