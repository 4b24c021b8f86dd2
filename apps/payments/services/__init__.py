"""Payment services: webhooks in, and starting, capturing, refunding payments."""

from apps.payments.services.capture import payment_capture
from apps.payments.services.initialization import payment_initialize
from apps.payments.services.processing import webhook_event_process
from apps.payments.services.receiving import Received, webhook_receive
from apps.payments.services.refunds import payment_refund, payment_refund_request

__all__ = [
    "Received",
    "payment_capture",
    "payment_initialize",
    "payment_refund",
    "payment_refund_request",
    "webhook_event_process",
    "webhook_receive",
]
