"""Logging glue: stamps every record with the current request id."""

import logging

from apps.core.request_context import current_request_id


class RequestIdFilter(logging.Filter):
    """Add `request_id` to each record (None outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True
