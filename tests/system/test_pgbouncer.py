"""The real server behind a real PgBouncer in transaction mode.

`DATABASE_POOLER=pgbouncer`, two web workers whose pools hold client
connections to a private PgBouncer (tests/support/pgbouncer.py), which hands
each transaction whichever server connection to the test PostgreSQL is free.
The catalog is served, a customer registers, concurrent buyers of the last
units get them exactly once, and one order retried at once under one
idempotency key is placed once: the row locks and the idempotency records
live inside transactions, which is all transaction pooling keeps. The job
runner and webhook processing are rerun through it in test_pgbouncer_jobs.py.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import pytest
from django.db import connection

from apps.catalog.models import Stock
from apps.orders.models import OrderLine
from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.catalog import ProductFactory, stocked_variant
from tests.factories.orders import ADDRESS_INPUT
from tests.support.graphql import gid, token
from tests.support.live_server import live_server
from tests.support.pgbouncer import available

pytestmark = [
    pytest.mark.system,
    pytest.mark.slow,
    pytest.mark.postgres,
    pytest.mark.skipif(available() is not None, reason=str(available())),
]

REGISTER = """
mutation ($input: AccountRegisterInput!) {
  accountRegister(input: $input) { user { email } errors { field code } }
}
"""
CREATE = """
mutation ($input: OrderCreateInput!) {
  orderCreate(input: $input) { order { number } errors { field code } }
}
"""


@pytest.fixture(scope="module")
def server(bouncer, django_db_blocker):
    with (
        django_db_blocker.unblock(),
        live_server(
            env={
                **bouncer.environment(),
                "WEB_WORKERS": "2",
            }
        ) as running,
    ):
        yield running


@pytest.fixture(autouse=True)
def _server_log(server):
    with server.log_on_failure():
        yield


def graphql(
    url: str, query: str, variables: dict[str, Any], bearer: str | None = None
) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
    response = httpx.post(
        f"{url}/graphql/",
        json={"query": query, "variables": variables},
        headers=headers,
        timeout=30,
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


def test_the_server_logs_in_to_postgresql_only_through_pgbouncer(
    transactional_db, server, bouncer
):
    graphql(server.url, "{ products(first: 1) { edges { node { name } } } }", {})

    assert f"login attempt: db={connection.settings_dict['NAME']} " in bouncer.log()


def test_the_catalog_is_served_through_pgbouncer(transactional_db, server):
    stocked_variant(product=ProductFactory.create(name="Linen shirt"))

    data = graphql(
        server.url,
        "{ products(first: 5) { edges { node { name variants { available } } } } }",
        {},
    )

    assert [e["node"]["name"] for e in data["products"]["edges"]] == ["Linen shirt"]


def test_a_customer_registers_through_pgbouncer(transactional_db, server):
    data = graphql(
        server.url,
        REGISTER,
        {
            "input": {
                "email": "ada@example.com",
                "password": PASSWORD,
                "firstName": "Ada",
                "lastName": "Lovelace",
            }
        },
    )

    assert data["accountRegister"] == {
        "user": {"email": "ada@example.com"},
        "errors": [],
    }


async def _buy(url: str, bearers: list[str], variant_id: str) -> list[dict[str, Any]]:
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        responses = await asyncio.gather(
            *(
                client.post(
                    "/graphql/",
                    json={
                        "query": CREATE,
                        "variables": {
                            "input": {
                                "lines": [{"variantId": variant_id, "quantity": 1}],
                                "shippingAddress": ADDRESS_INPUT,
                                "idempotencyKey": uuid.uuid4().hex,
                            }
                        },
                    },
                    headers={"Authorization": f"Bearer {bearer}"},
                )
                for bearer in bearers
            )
        )
    return [response.json()["data"]["orderCreate"] for response in responses]


async def _storm(
    url: str, bearer: str, order_input: dict[str, Any], *, times: int
) -> list[dict[str, Any]]:
    """Send one orderCreate `times` times at once, as a retrying client might."""
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        responses = await asyncio.gather(
            *(
                client.post(
                    "/graphql/",
                    json={"query": CREATE, "variables": {"input": order_input}},
                    headers={"Authorization": f"Bearer {bearer}"},
                )
                for _ in range(times)
            )
        )
    return [response.json()["data"]["orderCreate"] for response in responses]


def test_concurrent_buyers_get_the_last_units_exactly_once(transactional_db, server):
    variant = stocked_variant(on_hand=5)
    bearers = [token(UserFactory.create()) for _ in range(8)]

    results = asyncio.run(_buy(server.url, bearers, gid("ProductVariant", variant.pk)))

    placed = [r for r in results if r["order"] is not None]
    refused = [r["errors"] for r in results if r["order"] is None]
    assert len(placed) == 5
    assert (
        refused == [[{"field": "lines.0.quantity", "code": "INSUFFICIENT_STOCK"}]] * 3
    )
    sold = sum(
        OrderLine.objects.filter(variant=variant).values_list("quantity", flat=True)
    )
    assert Stock.objects.get(variant=variant).quantity_reserved == sold == 5


def test_one_order_retried_at_once_under_one_key_is_placed_once(
    transactional_db, server
):
    variant = stocked_variant(on_hand=50)
    bearer = token(UserFactory.create())
    order_input = {
        "lines": [{"variantId": gid("ProductVariant", variant.pk), "quantity": 1}],
        "shippingAddress": ADDRESS_INPUT,
        "idempotencyKey": uuid.uuid4().hex,
    }

    results = asyncio.run(_storm(server.url, bearer, order_input, times=10))

    assert all(result["errors"] == [] for result in results), results
    assert len({result["order"]["number"] for result in results}) == 1
    assert OrderLine.objects.filter(variant=variant).count() == 1
    assert Stock.objects.get(variant=variant).quantity_reserved == 1
