"""Webhook processing, through a real PgBouncer.

The same specification as tests/system/test_payment_webhooks.py's storm
(one event delivered ten times at once, to two web processes, applied once
by a worker), collected again here: the `env` below sends the server and every worker
through a private PgBouncer in transaction mode with
`DATABASE_POOLER=pgbouncer`, so the webhook's dedup row, its job, the
capture and the email record all cross the pooler.
"""

from __future__ import annotations

import pytest

from tests.support.pgbouncer import available
from tests.support.workers import job_environment
from tests.system.test_payment_webhooks import (
    test_one_event_delivered_ten_times_at_once_is_applied_once,
)

__all__ = [
    "test_one_event_delivered_ten_times_at_once_is_applied_once",
]

pytestmark = [
    pytest.mark.system,
    pytest.mark.slow,
    pytest.mark.postgres,
    pytest.mark.skipif(available() is not None, reason=str(available())),
]


@pytest.fixture
def env(transactional_db, mail_dir, bouncer):
    """Server and workers reach the test database only through PgBouncer."""
    return job_environment(
        TASKS_BACKEND="database",
        EMAIL_URL=f"filemail://{mail_dir}",
        **bouncer.environment(),
    )
