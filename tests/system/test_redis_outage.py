"""Redis dies while customers register and order; no email is lost or doubled.

Through the real server (GraphQL over HTTP) and a real worker, on a private
Redis without persistence that is killed and restarted empty: the outbox in
the database is what brings every job back.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from apps.accounts.models import SentEmail
from apps.jobs.models import Job, JobStatus
from apps.orders.models import OrderEmail
from tests.support.customers import (
    Post,
    customer_orders,
    mail_messages,
    timed_post,
)
from tests.support.live_server import live_server
from tests.support.redis import available, private_redis
from tests.support.workers import eventually, job_environment, worker

pytestmark = [
    pytest.mark.system,
    pytest.mark.slow,
    pytest.mark.skipif(available() is not None, reason=str(available())),
]

# Redis connect 0.5 s + socket 1.5 s (config/settings/tasks.py), plus slack
# for a loaded machine: far below "hangs until Redis is back".
REQUEST_BOUND = 6.0


def _poster(url: str) -> Post:
    """Post to the server at `url`: 200 within REQUEST_BOUND, or the test fails."""

    def post(
        query: str, variables: dict[str, Any], token: str | None
    ) -> dict[str, Any]:
        response, elapsed = timed_post(url, query, variables, token)
        assert response.status_code == 200, response.text
        assert elapsed < REQUEST_BOUND, f"the request waited {elapsed:.1f} s on Redis"
        data: dict[str, Any] = response.json()["data"]
        return data

    return post


def test_redis_killed_and_restarted_empty_loses_and_doubles_no_email(
    variant_gid, mail_dir
):
    with private_redis() as redis:
        env = job_environment(
            TASKS_BACKEND="redis",
            REDIS_URL=redis.url,
            EMAIL_URL=f"filemail://{mail_dir}",
            # New sign-ups order at once, unverified (under the stricter cap):
            # their verification emails are what this test follows.
            ACCOUNT_REQUIRE_VERIFIED_EMAIL="off",
        )
        with live_server(env=env) as server:
            # No worker yet: these jobs wait in Redis, and die with it.
            for _ in range(2):
                customer_orders(_poster(server.url), variant_gid)
            redis.stop()
            # Redis is down: requests still succeed, promptly.
            for _ in range(2):
                customer_orders(_poster(server.url), variant_gid)
            redis.start()  # empty: no persistence
            time.sleep(1.2)  # the relay pause after a failure (1 s here) ends
            for _ in range(2):
                customer_orders(_poster(server.url), variant_gid)

            relayed = [
                job.relayed_at is not None
                for job in Job.objects.filter(task_path__contains="email").order_by(
                    "pk"
                )
            ]
            # Relayed into the Redis that died, never relayed, relayed again.
            assert relayed == [True] * 4 + [False] * 4 + [True] * 4

            with worker("worker", "--beat", env=env):
                eventually(
                    lambda: (
                        Job.objects.exclude(status=JobStatus.SUCCEEDED)
                        .exclude(task_path__startswith="apps.jobs.tasks")
                        .filter(task_path__contains="email")
                        .count()
                        == 0
                        and Job.objects.filter(task_path__contains="email").count()
                        == 12
                    ),
                    timeout=60,
                    what="all 12 email jobs succeeded",
                )

    assert SentEmail.objects.count() == 6
    assert OrderEmail.objects.count() == 6
    messages = mail_messages(mail_dir)
    assert len(messages) == 12
    recipients = [
        line
        for message in messages
        for line in message.splitlines()
        if line.startswith("To: ")
    ]
    assert len(recipients) == len(set(recipients)) * 2  # each customer: two emails


@pytest.mark.parametrize(
    ("trouble", "recovery"),
    [
        # Hung: every command waits (even an UNPAUSE on a new connection), so
        # the request must give up by itself; the pause ends after 6 s.
        (["CLIENT", "PAUSE", "6000", "ALL"], None),
        # Full: writes are refused with OOM.
        (["CONFIG", "SET", "maxmemory", "1"], ["CONFIG", "SET", "maxmemory", "0"]),
    ],
    ids=["client-pause", "out-of-memory"],
)
def test_a_hung_or_full_redis_delays_no_request_and_loses_no_email(
    variant_gid, mail_dir, trouble, recovery
):
    with private_redis() as redis:
        env = job_environment(
            TASKS_BACKEND="redis",
            REDIS_URL=redis.url,
            EMAIL_URL=f"filemail://{mail_dir}",
            # New sign-ups order at once, unverified (under the stricter cap):
            # their verification emails are what this test follows.
            ACCOUNT_REQUIRE_VERIFIED_EMAIL="off",
        )
        with live_server(env=env) as server, worker("worker", "--beat", env=env):
            admin = redis.client()
            admin.config_set("maxmemory-policy", "noeviction")
            admin.execute_command(*trouble)
            for _ in range(2):
                customer_orders(
                    _poster(server.url), variant_gid
                )  # each within REQUEST_BOUND
            if recovery:
                admin.execute_command(*recovery)

            eventually(
                lambda: (
                    SentEmail.objects.count() == 2 and OrderEmail.objects.count() == 2
                ),
                timeout=60,
                what="both customers' emails sent",
            )
            time.sleep(3)  # past the redelivery window: no late duplicate

    assert len(mail_messages(mail_dir)) == 4
