"""assert_num_queries: exact SQL counts, printing every statement on failure."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection
from django.test.utils import CaptureQueriesContext


@contextmanager
def assert_num_queries(expected: int) -> Iterator[CaptureQueriesContext]:
    """Fail unless exactly `expected` queries run on this thread's connection.

    Requests made with Django's sync test Client run their async ORM calls on
    this thread, so their queries are counted too.
    """
    with CaptureQueriesContext(connection) as captured:
        yield captured
    executed = len(captured.captured_queries)
    if executed != expected:
        statements = "\n".join(
            f"{n}. {query['sql']}"
            for n, query in enumerate(captured.captured_queries, 1)
        )
        msg = f"{executed} queries executed, {expected} expected:\n{statements}"
        raise AssertionError(msg)
