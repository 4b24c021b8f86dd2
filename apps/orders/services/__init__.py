"""Order writes. Each public function is a transaction boundary."""

from apps.orders.services.addresses import ShippingAddress
from apps.orders.services.expiry import orders_expire
from apps.orders.services.limits import order_line_count_check
from apps.orders.services.notifications import (
    order_confirmation_email_send,
    order_received_email_send,
    order_shipped_email_send,
)
from apps.orders.services.placement import LineInput, order_place
from apps.orders.services.transitions import (
    order_cancel,
    order_fulfil,
    order_mark_paid,
    order_refund,
)

__all__ = [
    "LineInput",
    "ShippingAddress",
    "order_cancel",
    "order_confirmation_email_send",
    "order_fulfil",
    "order_line_count_check",
    "order_mark_paid",
    "order_place",
    "order_received_email_send",
    "order_refund",
    "order_shipped_email_send",
    "orders_expire",
]
