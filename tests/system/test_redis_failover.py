"""The Redis primary dies under real traffic; Sentinel promotes its replica.

A private primary, one replica and three `redis-server --sentinel` processes;
the real server and a real worker find the primary through REDIS_SENTINELS.
Customers register and order over HTTP before, during and after the primary
is SIGKILLed. Replication is asynchronous, so jobs the old primary held may
be gone: the database outbox relays them again, and each runs exactly once.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from django.contrib.auth import get_user_model

from apps.accounts.models import SentEmail
from apps.jobs.models import Job, JobStatus
from apps.orders.models import Order, OrderEmail
from tests.support.customers import (
    Post,
    customer_orders,
    mail_messages,
    timed_post,
)
from tests.support.live_server import LiveServer, live_server
from tests.support.redis_sentinel import MASTER, available, private_sentinels
from tests.support.workers import eventually, job_environment, worker

pytestmark = [
    pytest.mark.system,
    pytest.mark.slow,
    pytest.mark.skipif(available() is not None, reason=str(available())),
]

CUSTOMERS_AT_ONCE = 3
# Longest one request may take while Redis is gone: its connect and socket
# timeouts (config/settings/tasks.py) plus slack for a loaded machine.
REQUEST_BOUND = 6.0


@dataclass(frozen=True, slots=True, kw_only=True)
class Answer:
    """One HTTP answer the test saw: what, when, and whether it was a probe."""

    at: float
    status: int
    retry_after: str | None
    body_status: str | None = None


class Answers:
    """Every answer from every thread, in arrival order."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.seen: list[Answer] = []

    def add(self, response: httpx.Response, body_status: str | None = None) -> None:
        answer = Answer(
            at=time.monotonic(),
            status=response.status_code,
            retry_after=response.headers.get("Retry-After"),
            body_status=body_status,
        )
        with self._lock:
            self.seen.append(answer)


def _poster(url: str, answers: Answers) -> Post:
    """Post like a client that honours a 503's Retry-After (after a short wait)."""

    def post(
        query: str, variables: dict[str, Any], token: str | None
    ) -> dict[str, Any]:
        # Many customers behind one proxy (AUTH_TRUSTED_PROXY_HOPS=1), each
        # from their own address, so no per-address limit is what stops them.
        headers = {"X-Forwarded-For": f"10.{secrets.randbelow(250)}.0.1"}
        while True:
            response, elapsed = timed_post(url, query, variables, token, headers)
            answers.add(response)
            assert elapsed < REQUEST_BOUND, f"a request waited {elapsed:.1f} s"
            if response.status_code == 503 and "Retry-After" in response.headers:
                time.sleep(0.2)
                continue
            assert response.status_code == 200, response.text
            body = response.json()
            assert "errors" not in body, body
            data: dict[str, Any] = body["data"]
            return data

    return post


def _probe_ready(server: LiveServer, answers: Answers) -> None:
    response = httpx.get(f"{server.url}/health/ready", timeout=10)
    answers.add(response, body_status=response.json()["status"])
    time.sleep(0.1)


class Traffic:
    """Steps repeated on threads until `stop()`, which re-raises any failure."""

    def __init__(self, pool: ThreadPoolExecutor) -> None:
        self._pool = pool
        self._stop = threading.Event()
        self._loops: list[Future[int]] = []

    def start(self, step: Callable[[], None]) -> None:
        self._loops.append(self._pool.submit(self._loop, step))

    def stop(self) -> list[int]:
        """End every loop; return how many steps each completed."""
        self._stop.set()
        return [loop.result() for loop in self._loops]

    def stop_quietly(self) -> None:
        """End every loop without waiting (a failing test is cleaning up)."""
        self._stop.set()

    def _loop(self, step: Callable[[], None]) -> int:
        done = 0
        while not self._stop.is_set():
            step()
            done += 1
        return done


@pytest.fixture
def traffic() -> Iterator[Traffic]:
    with ThreadPoolExecutor(max_workers=CUSTOMERS_AT_ONCE + 1) as pool:
        running = Traffic(pool)
        try:
            yield running
        finally:
            running.stop_quietly()


def test_a_sentinel_failover_under_traffic_loses_and_doubles_no_email(
    variant_gid, mail_dir, traffic
):
    with private_sentinels() as cluster:
        env = job_environment(
            TASKS_BACKEND="redis",
            REDIS_SENTINELS=",".join(f"127.0.0.1:{p}" for p in cluster.sentinel_ports),
            REDIS_SENTINEL_MASTER=MASTER,
            REDIS_URL="",  # one node or Sentinel, never both
            AUTH_TRUSTED_PROXY_HOPS="1",
            EMAIL_URL=f"filemail://{mail_dir}",
            # New sign-ups order at once, unverified: their verification
            # emails are among those this test counts.
            ACCOUNT_REQUIRE_VERIFIED_EMAIL="off",
        )
        customers, probes = Answers(), Answers()
        with live_server(env=env) as server, worker("worker", "--beat", env=env):
            post = _poster(server.url, customers)
            traffic.start(lambda: _probe_ready(server, probes))
            for _ in range(CUSTOMERS_AT_ONCE):
                traffic.start(lambda: customer_orders(post, variant_gid))
            time.sleep(2)  # before: jobs flow through the first primary

            killed_at = time.monotonic()
            cluster.kill_primary()
            cluster.wait_for_failover()
            promoted_at = time.monotonic()
            time.sleep(3)  # after: through the promoted replica
            _, *visits_each = traffic.stop()
            visits = sum(visits_each)

            recovered = eventually(
                lambda: (
                    httpx.get(f"{server.url}/health/ready", timeout=10)
                    .json()
                    .get("status")
                    == "ok"
                ),
                timeout=30,
                what="/health/ready back to ok by itself",
            )
            eventually(
                lambda: not Job.objects.exclude(status=JobStatus.SUCCEEDED).exists(),
                timeout=90,
                what="every job enqueued before, during and after has succeeded",
            )
            time.sleep(3)  # past the redelivery window: a late duplicate shows

    assert recovered
    users = get_user_model().objects.count()
    orders = Order.objects.count()
    assert visits >= CUSTOMERS_AT_ONCE
    assert orders >= visits
    # Every job ran once: one attempt each, none failed or left behind.
    assert set(Job.objects.values_list("attempts", flat=True)) == {1}
    # Each customer's verification email and each order's confirmation, once.
    assert SentEmail.objects.count() == users
    assert OrderEmail.objects.count() == orders
    assert len(mail_messages(mail_dir)) == users + orders

    # The only 5xx a customer saw is a deliberate 503 with Retry-After.
    assert customers.seen
    unexpected = [
        a for a in customers.seen if a.status != 200 and not _deliberate_503(a)
    ]
    assert unexpected == []
    # The probe said "degraded" while Redis was gone (never "fail": the
    # database was fine), then "ok" again without a restart.
    during = [a for a in probes.seen if killed_at <= a.at <= promoted_at + 1]
    assert any(a.body_status == "degraded" and _deliberate_503(a) for a in during)
    assert {a.body_status for a in probes.seen} <= {"ok", "degraded"}


def _deliberate_503(answer: Answer) -> bool:
    return answer.status == 503 and answer.retry_after is not None
