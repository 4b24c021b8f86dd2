"""GET queries a CDN may cache: Cache-Control, a weak ETag over `data`, 304."""

from __future__ import annotations

from typing import Any

from django.test import Client

from tests.factories.accounts import UserFactory
from tests.support.graphql import GRAPHQL_URL, JSON, token

NAMES = "{ products(first: 2) { edges { node { name } } } }"


def get(client: Client, query: str = NAMES, **headers: str) -> Any:
    return client.get(
        GRAPHQL_URL, {"query": query}, headers={"Accept": JSON, **headers}
    )


def test_an_anonymous_query_is_public_for_the_stated_max_age(gql_client, settings):
    settings.GRAPHQL_GET_MAX_AGE = 7

    response = get(gql_client)

    assert response["Cache-Control"] == "public, max-age=7"
    assert response["ETag"].startswith('W/"')


def test_the_cache_key_varies_on_credentials_and_accept(gql_client):
    vary = {v.strip() for v in get(gql_client)["Vary"].split(",")}

    assert {"Accept", "Authorization", "Cookie"} <= vary


def test_a_current_copy_gets_304_without_a_body(gql_client):
    tag = get(gql_client)["ETag"]

    response = get(gql_client, **{"If-None-Match": tag})

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == tag
    assert response["Cache-Control"].startswith("public")


def test_the_etag_ignores_the_callers_cost_bucket(gql_client, settings):
    # Slow enough that the second request sees the first one's charge.
    settings.GRAPHQL_COST_BUCKET_RESTORE_RATE = 0.001
    first, second = get(gql_client), get(gql_client)

    assert first.json()["extensions"]["cost"] != second.json()["extensions"]["cost"]
    assert first["ETag"] == second["ETag"]


def test_a_stale_copy_gets_the_new_body(gql_client):
    response = get(gql_client, **{"If-None-Match": 'W/"0000"'})

    assert response.status_code == 200
    assert response.json()["data"] == {"products": {"edges": []}}


def test_a_query_with_a_token_is_private(gql_client, db):
    bearer = token(UserFactory.create())

    response = get(gql_client, Authorization=f"Bearer {bearer}")

    assert response["Cache-Control"] == "private, no-store"
    assert "ETag" not in response


def test_an_error_is_not_cached(gql_client):
    response = get(gql_client, "{ products(first: 2) { nope } }")

    assert response["Cache-Control"] == "no-store"
    assert "ETag" not in response


def test_post_responses_carry_no_caching_headers(gql_client):
    response = gql_client.post(
        GRAPHQL_URL, {"query": NAMES}, content_type=JSON, headers={"Accept": JSON}
    )

    assert "ETag" not in response
    assert "public" not in response.get("Cache-Control", "")
