"""The leaky bucket: what it allows, how it refills, and that it is shared."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
from django.test import override_settings

from apps.core import ratelimit
from apps.core.ratelimit import Bucket
from tests.support.live_server import ROOT
from tests.support.redis import private_redis


@pytest.fixture(params=["memory", "redis"])
def store(request: pytest.FixtureRequest) -> Iterator[str]:
    """Run a test on both stores: per-process memory and the shared Redis."""
    if request.param == "redis":
        from django.conf import settings as django_settings

        if not django_settings.REDIS_URL:
            pytest.skip("needs Redis (set REDIS_URL=redis://...)")
        yield "redis"
    else:
        with override_settings(REDIS_URL=None):
            yield "memory"


FIVE = Bucket("test-five", capacity=5, restore_rate=0.001)


def test_a_full_bucket_allows_its_capacity_then_refuses(store: str) -> None:
    outcomes = [ratelimit.take(FIVE, "client").allowed for _ in range(6)]

    assert outcomes == [True] * 5 + [False]


def test_a_refusal_says_how_long_until_the_cost_fits(store: str) -> None:
    bucket = Bucket("test-slow", capacity=2, restore_rate=0.5)
    ratelimit.take(bucket, "client", 2)

    refused = ratelimit.take(bucket, "client", 1)

    assert not refused.allowed
    assert 1.5 < refused.retry_after <= 2.0
    assert refused.retry_after_seconds == 2


def test_a_bucket_refills_at_its_restore_rate(store: str) -> None:
    bucket = Bucket("test-fast", capacity=1, restore_rate=20)
    ratelimit.take(bucket, "client")

    time.sleep(0.1)

    assert ratelimit.take(bucket, "client").allowed


def test_buckets_are_per_key(store: str) -> None:
    ratelimit.take(FIVE, "one", 5)

    assert ratelimit.take(FIVE, "two").allowed


def test_a_cost_above_capacity_is_refused_without_draining(store: str) -> None:
    refused = ratelimit.take(FIVE, "client", 6)

    assert not refused.allowed
    assert ratelimit.peek(FIVE, "client").available == 5


def test_a_refund_never_lifts_the_level_above_capacity(store: str) -> None:
    ratelimit.take(FIVE, "client", 2)

    assert ratelimit.refund(FIVE, "client", 10).available == 5


async def test_the_async_take_shares_the_bucket_with_the_sync_one(store: str) -> None:
    ratelimit.take(FIVE, "client", 4)

    assert (await ratelimit.atake(FIVE, "client")).allowed
    assert not (await ratelimit.atake(FIVE, "client")).allowed
    assert (await ratelimit.apeek(FIVE, "client")).available == pytest.approx(
        0, abs=0.01
    )


# Run in a separate interpreter: waits for a shared start time, takes one unit.
_TAKE_ONCE = """
import sys, time
from django.conf import settings
settings.configure(REDIS_URL=sys.argv[2], RATE_LIMIT_REDIS_TIMEOUT=2.0)
from apps.core import ratelimit
from apps.core.ratelimit import Bucket
time.sleep(max(0.0, float(sys.argv[1]) - time.time()))
print(ratelimit.take(Bucket("test-five", 5, 0.001), "shared").allowed)
"""


@pytest.mark.redis
def test_ten_processes_racing_for_five_units_get_exactly_five() -> None:
    from django.conf import settings

    start_at = time.time() + 3  # every interpreter is up and waiting by then
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", _TAKE_ONCE, str(start_at), str(settings.REDIS_URL)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(10)
    ]
    results = [process.communicate(timeout=60)[0].strip() for process in processes]

    assert sorted(results) == ["False"] * 5 + ["True"] * 5


def test_a_stopped_redis_degrades_to_this_process_and_says_so(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with private_redis() as server, override_settings(REDIS_URL=server.url):
        assert ratelimit.take(FIVE, "client", 5).allowed
        server.stop()

        outcomes = [ratelimit.take(FIVE, "client").allowed for _ in range(6)]

    assert outcomes == [True] * 5 + [False]
    assert "rate limits degraded to this process" in caplog.text
