from __future__ import annotations

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives

from apps.jobs.models import Job, JobStatus
from apps.orders import events, models, tasks
from apps.orders.errors import IllegalTransitionError, OrderNotFoundError
from apps.orders.services import order_mark_paid
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


@pytest.mark.django_db
def test_paying_an_order_sends_the_confirmation_email_once(
    django_capture_on_commit_callbacks,
):
    order = placed_order()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        order_mark_paid(order_id=order.pk)
    tasks.order_confirmation_email_send_task.call(order_id=order.pk)  # a rerun

    (message,) = mail.outbox
    assert message.subject == f"Your order {order.number} is confirmed"
    assert "it is confirmed" in message.body
    assert isinstance(message, EmailMultiAlternatives)
    ((html, mime),) = message.alternatives
    assert mime == "text/html"
    assert order.number in str(html)
    job = Job.objects.get(key=f"order-confirmation-email:{order.pk}")
    assert job.status == JobStatus.SUCCEEDED
    assert list(
        models.OrderEmail.objects.filter(order=order).values_list("kind", flat=True)
    ) == [models.OrderEmail.Kind.CONFIRMED]


@pytest.mark.django_db
def test_the_confirmation_job_commits_with_the_payment_or_not_at_all():
    order = placed_order()

    order_mark_paid(order_id=order.pk)
    with pytest.raises(IllegalTransitionError):
        order_mark_paid(order_id=order.pk)  # already PAID: refused

    assert Job.objects.filter(key=f"order-confirmation-email:{order.pk}").count() == 1


def test_order_events_refuse_to_publish_outside_a_transaction():
    with pytest.raises(RuntimeError, match="inside the transaction"):
        events.order_paid_publish(events.OrderPaid(order_id=1))
