"""Payment services: receiving webhooks, applying them, starting payments."""

from apps.payments.services.capture import payment_capture
from apps.payments.services.initialization import payment_initialize
from apps.payments.services.processing import webhook_event_process
from apps.payments.services.receiving import Received, webhook_receive

__all__ = [
    "Received",
    "payment_capture",
    "payment_initialize",
    "webhook_event_process",
    "webhook_receive",
]
