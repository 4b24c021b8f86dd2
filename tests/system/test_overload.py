"""Overload queues, it does not fail: one real worker under a burst.

Issue 11: 200 concurrent `products` queries against one process answered 161
times 503, logged as "database unavailable". Now requests past
WEB_MAX_ACTIVE_REQUESTS wait in line (config/admission.py) and only a request
beyond the stated bound (WEB_QUEUE_MAX waiting) is refused: 503 OVERLOADED
with Retry-After, logged and counted as overload.
"""

from __future__ import annotations

import asyncio
from collections import Counter

import httpx
import pytest

from tests.factories.catalog import ProductFactory, stocked_variant
from tests.support.live_server import LiveServer, live_server

pytestmark = [pytest.mark.system, pytest.mark.postgres]

READERS = 200
PRODUCTS = (
    "{ products(first: 20) { edges { node { name variants { sku available } } } } }"
)


@pytest.fixture(scope="module")
def catalog(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        for _ in range(20):
            stocked_variant(product=ProductFactory.create())


async def _burst(server: LiveServer, count: int) -> list[httpx.Response]:
    limits = httpx.Limits(max_connections=count)
    async with httpx.AsyncClient(
        base_url=server.url, timeout=120, limits=limits
    ) as client:
        return await asyncio.gather(
            *(client.post("/graphql/", json={"query": PRODUCTS}) for _ in range(count))
        )


def _serve(**env: str):
    # One worker, base settings as in production, a bucket the burst can't empty.
    return live_server(
        env={
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "GRAPHQL_COST_BUCKET_CAPACITY": str(10**9),
            "GRAPHQL_COST_BUCKET_RESTORE_RATE": str(10**9),
            **env,
        }
    )


def test_two_hundred_concurrent_readers_all_get_their_page(transactional_db, catalog):
    with _serve() as server, server.log_on_failure():
        responses = asyncio.run(_burst(server, READERS))
        load = httpx.get(f"{server.url}/health/ready").json()["load"]
        log = server.log()

    assert Counter(r.status_code for r in responses) == {200: READERS}
    assert all(len(r.json()["data"]["products"]["edges"]) == 20 for r in responses)
    assert load["queued"] > 0  # they really waited in line
    assert load["refused"] == 0
    assert "database unavailable" not in log


@pytest.fixture(scope="module")
def tight(catalog):
    """One worker with one slot and a line of one: the bound is easy to pass."""
    with _serve(WEB_MAX_ACTIVE_REQUESTS="1", WEB_QUEUE_MAX="1") as server:
        yield server


def test_beyond_the_stated_bound_requests_are_refused_as_overload(
    transactional_db, tight
):
    with tight.log_on_failure():
        since = tight.log_size()
        refused_before = _load(tight)["refused"]
        responses = asyncio.run(_burst(tight, 30))
        load = _load(tight)
        log = tight.log(since=since)

    refused = [r for r in responses if r.status_code == 503]
    assert refused, "30 at once past one slot and a line of one"
    assert {r.status_code for r in responses} == {200, 503}
    for response in refused:
        assert response.headers["Retry-After"].isdigit()
        assert response.json()["errors"][0]["extensions"]["code"] == "OVERLOADED"
    assert load["refused"] - refused_before == len(refused)
    assert "overload: requests refused" in log
    assert "database unavailable" not in log


def test_health_probes_skip_the_line(transactional_db, tight):
    async def probes_during_burst() -> list[httpx.Response]:
        burst = asyncio.create_task(_burst(tight, 30))
        await asyncio.sleep(0.05)
        async with httpx.AsyncClient(base_url=tight.url) as client:
            probes = [await client.get("/health/live") for _ in range(5)]
        await burst
        return probes

    with tight.log_on_failure():
        probes = asyncio.run(probes_during_burst())

    assert [p.status_code for p in probes] == [200] * 5


def _load(server: LiveServer) -> dict[str, int]:
    return dict(httpx.get(f"{server.url}/health/ready").json()["load"])
