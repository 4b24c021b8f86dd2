"""Logging glue: stamps every record with the current request id and trace."""

import logging

from apps.core.request_context import current_request_id
from apps.core.telemetry import current_trace_ids


class RequestIdFilter(logging.Filter):
    """Add `request_id`, `trace_id` and `span_id` (None outside a request/job)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        record.trace_id, record.span_id = current_trace_ids()
        return True
