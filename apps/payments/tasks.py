"""Payment jobs, on the critical queue."""

from __future__ import annotations

from django.tasks import task

from apps.payments import services


@task(queue_name="critical")
def webhook_event_process_task(*, webhook_event_id: int) -> str:
    """Apply one stored provider event to its payment, exactly once."""
    return str(services.webhook_event_process(webhook_event_id=webhook_event_id))


@task(queue_name="critical")
def payment_capture_task(*, payment_id: int) -> bool:
    """Ask the provider to capture an authorized payment, at most once."""
    return services.payment_capture(payment_id=payment_id)


@task(queue_name="critical")
def payment_refund_task(*, payment_id: int, target: str) -> bool:
    """Ask the provider for a refund bringing the payment's refunds to `target`."""
    return services.payment_refund(payment_id=payment_id, target=target)
