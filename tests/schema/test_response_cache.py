"""The response cache for anonymous catalog reads: hits, precise invalidation, stock staleness.

Through the real /graphql/ endpoint with Django's test client; entries and
tag versions in Redis as in production (`redis` marker), except where a test
says otherwise. `X-Response-Cache` tells a hit from a miss.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from django.conf import settings as django_settings
from django.test import Client

from apps.catalog import models
from apps.core import cache_tags
from schema.core import response_cache
from tests.factories.accounts import UserFactory
from tests.factories.catalog import ProductFactory, stocked_variant
from tests.support.graphql import GRAPHQL_URL, JSON, token
from tests.support.live_server import free_port

pytestmark = [pytest.mark.redis, pytest.mark.django_db]

PRODUCT = "query P($slug: String!) { product(slug: $slug) { name } }"
NAMES = "{ products(first: 5) { edges { node { name } } } }"
STOCK = "query S($slug: String!) { product(slug: $slug) { variants { available } } }"


@pytest.fixture(autouse=True)
def _fresh_cache(settings: Any) -> Iterator[None]:
    settings.GRAPHQL_RESPONSE_CACHE = True
    url = django_settings.REDIS_URL  # a test may point it at a dead port

    def forget() -> None:
        response_cache.clear_local()
        cache_tags._local_versions.clear()
        if url:
            client = redis.Redis.from_url(url)
            for prefix in (response_cache.KEY_PREFIX, cache_tags.KEY_PREFIX):
                keys = list(client.scan_iter(prefix + "*"))
                if keys:
                    client.delete(*keys)

    forget()
    yield
    forget()


def read(
    client: Client, query: str, variables: dict[str, Any] | None = None, **headers: str
) -> Any:
    return client.post(
        GRAPHQL_URL,
        json.dumps({"query": query, "variables": variables or {}}),
        content_type=JSON,
        headers={"Accept": JSON, **headers},
    )


def rename(product: models.Product, name: str, capture: Any) -> None:
    with capture(execute=True):  # the bump runs after commit
        product.name = name
        product.save()


def test_a_repeated_anonymous_catalog_read_is_a_hit_with_the_same_data(gql_client):
    ProductFactory.create(name="Linen shirt")

    first, second = read(gql_client, NAMES), read(gql_client, NAMES)

    assert first["X-Response-Cache"] == "MISS"
    assert second["X-Response-Cache"] == "HIT"
    assert second.json()["data"] == first.json()["data"]


def test_a_hit_is_shared_with_other_processes_through_redis(gql_client):
    ProductFactory.create()
    read(gql_client, NAMES)
    response_cache.clear_local()  # as another process would start

    assert read(gql_client, NAMES)["X-Response-Cache"] == "HIT"


def test_a_changed_product_is_never_served_from_the_cache(
    gql_client, django_capture_on_commit_callbacks
):
    product = ProductFactory.create(name="Linen shirt")
    read(gql_client, PRODUCT, {"slug": product.slug})

    rename(product, "Silk shirt", django_capture_on_commit_callbacks)
    response = read(gql_client, PRODUCT, {"slug": product.slug})

    assert response["X-Response-Cache"] == "MISS"
    assert response.json()["data"]["product"]["name"] == "Silk shirt"


def test_a_change_to_another_product_leaves_an_entry_in_place(
    gql_client, django_capture_on_commit_callbacks
):
    shown, other = ProductFactory.create(), ProductFactory.create()
    read(gql_client, PRODUCT, {"slug": shown.slug})

    rename(other, "Something else", django_capture_on_commit_callbacks)

    assert read(gql_client, PRODUCT, {"slug": shown.slug})["X-Response-Cache"] == "HIT"


def test_any_catalog_change_refreshes_a_product_list(
    gql_client, django_capture_on_commit_callbacks
):
    ProductFactory.create(name="A shirt")
    read(gql_client, NAMES)

    with django_capture_on_commit_callbacks(execute=True):
        ProductFactory.create(name="B shirt")
    response = read(gql_client, NAMES)

    names = [e["node"]["name"] for e in response.json()["data"]["products"]["edges"]]
    assert response["X-Response-Cache"] == "MISS"
    assert names == ["A shirt", "B shirt"]


def test_a_changed_price_is_never_served_from_the_cache(
    gql_client, django_capture_on_commit_callbacks
):
    variant = stocked_variant()
    query = "query P($slug: String!) { product(slug: $slug) { variants { price { amount } } } }"
    read(gql_client, query, {"slug": variant.product.slug})

    with django_capture_on_commit_callbacks(execute=True):
        variant.price_override = "12.00"
        variant.save()
    response = read(gql_client, query, {"slug": variant.product.slug})

    assert (
        response.json()["data"]["product"]["variants"][0]["price"]["amount"] == "12.00"
    )


def test_stock_is_served_at_most_the_stated_seconds_stale(
    gql_client, settings, monkeypatch
):
    settings.GRAPHQL_STOCK_STALENESS = 5
    variant = stocked_variant()
    clock = [1_000_000.0]
    monkeypatch.setattr(response_cache, "_now", lambda: clock[0])
    read(gql_client, STOCK, {"slug": variant.product.slug})
    models.Stock.objects.filter(variant=variant).update(quantity_on_hand=3)

    clock[0] += 4.9
    stale = read(gql_client, STOCK, {"slug": variant.product.slug})
    clock[0] += 0.2
    fresh = read(gql_client, STOCK, {"slug": variant.product.slug})

    assert stale["X-Response-Cache"] == "HIT"
    assert fresh["X-Response-Cache"] == "MISS"
    assert fresh.json()["data"]["product"]["variants"][0]["available"] == 3


def test_reads_without_stock_live_the_longer_ttl(gql_client, settings, monkeypatch):
    settings.GRAPHQL_RESPONSE_CACHE_TTL = 300
    product = ProductFactory.create()
    clock = [1_000_000.0]
    monkeypatch.setattr(response_cache, "_now", lambda: clock[0])
    read(gql_client, PRODUCT, {"slug": product.slug})

    clock[0] += 299

    assert (
        read(gql_client, PRODUCT, {"slug": product.slug})["X-Response-Cache"] == "HIT"
    )


def test_a_caller_with_a_token_is_never_served_or_stored(gql_client):
    ProductFactory.create()
    bearer = token(UserFactory.create())

    responses = [
        read(gql_client, NAMES, Authorization=f"Bearer {bearer}") for _ in range(2)
    ]

    assert all("X-Response-Cache" not in r for r in responses)
    assert read(gql_client, NAMES)["X-Response-Cache"] == "MISS"


def test_queries_beyond_the_catalog_are_not_cached(gql_client):
    assert "X-Response-Cache" not in read(gql_client, "{ me { email } }")
    assert "X-Response-Cache" not in read(gql_client, "{ __typename }")


def test_an_answer_with_errors_is_not_stored(gql_client):
    query = "query P($slug: String!) { product(slug: $slug) { name } }"
    read(gql_client, query, {"slug": "x" * 5000})  # refused: too long

    assert read(gql_client, query, {"slug": "x" * 5000})["X-Response-Cache"] == "MISS"


async def test_a_write_committed_while_the_query_ran_is_not_stored():
    before = await response_cache.aversions([cache_tags.CATALOG])
    cache_tags.bump(cache_tags.CATALOG)  # committed meanwhile

    await response_cache.astore("fashionistar:rc:k", {"x": 1}, set(), before)

    assert await response_cache.alookup("fashionistar:rc:k") is None


def test_with_redis_down_reads_are_answered_uncached(gql_client, settings, caplog):
    ProductFactory.create()
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens

    responses = [read(gql_client, NAMES) for _ in range(2)]

    assert [r.status_code for r in responses] == [200, 200]
    assert all(r["X-Response-Cache"] == "MISS" for r in responses)
    assert "response cache off: Redis unavailable" in caplog.messages


@pytest.mark.postgres
def test_a_page_spliced_from_postgresql_documents_is_cached_as_json(gql_client):
    stocked_variant(product=ProductFactory.create(name="Linen shirt"))
    page = "{ products(first: 5) { edges { node { name variants { sku } } } } }"

    first, second = read(gql_client, page), read(gql_client, page)
    response_cache.clear_local()  # the next hit comes from Redis
    third = read(gql_client, page)

    assert [r["X-Response-Cache"] for r in (first, second, third)] == [
        "MISS",
        "HIT",
        "HIT",
    ]
    assert second.json()["data"] == first.json()["data"] == third.json()["data"]
    assert first.json()["data"]["products"]["edges"][0]["node"]["name"] == "Linen shirt"
