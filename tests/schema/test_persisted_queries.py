"""Automatic persisted queries, Apollo's APQ: hash first, text once, then hash only.

Through the real /graphql/ endpoint, as Apollo Client's persisted-queries
link drives it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from django.conf import settings as django_settings
from django.test import Client

from schema.core import persisted_queries
from schema.core.trusted_documents import sha256_hex
from tests.support.graphql import GRAPHQL_URL, JSON, error_codes, without_cost
from tests.support.live_server import free_port

NAMES = "query Names { products(first: 2) { edges { node { name } } } }"
EMPTY_PAGE: dict[str, Any] = {"data": {"products": {"edges": []}}}
REVOKE = (
    "mutation Revoke($t: String!) { tokenRevoke(refreshToken: $t) { errors { code } } }"
)


@pytest.fixture(autouse=True)
def _fresh_store() -> Iterator[None]:
    """No document registered by an earlier test, here or in Redis."""

    def forget() -> None:
        persisted_queries.clear_local()
        if django_settings.REDIS_URL:
            client = redis.Redis.from_url(django_settings.REDIS_URL)
            keys = list(client.scan_iter(persisted_queries.KEY_PREFIX + "*"))
            if keys:
                client.delete(*keys)

    forget()
    yield
    forget()


def apq(sha256: str, version: object = 1) -> dict[str, Any]:
    return {"persistedQuery": {"version": version, "sha256Hash": sha256}}


def post(client: Client, body: dict[str, Any]) -> Any:
    return client.post(
        GRAPHQL_URL, data=json.dumps(body), content_type=JSON, headers={"Accept": JSON}
    )


def register(
    client: Client, query: str = NAMES, variables: dict[str, Any] | None = None
) -> Any:
    body = {
        "query": query,
        "variables": variables,
        "extensions": apq(sha256_hex(query)),
    }
    return post(client, body)


def test_an_unknown_hash_is_not_found_in_apollos_words(gql_client):
    body = post(gql_client, {"extensions": apq(sha256_hex(NAMES))}).json()

    assert body["errors"][0]["message"] == "PersistedQueryNotFound"
    assert error_codes(body) == ["PERSISTED_QUERY_NOT_FOUND"]


def test_the_text_sent_with_its_hash_runs(gql_client):
    assert without_cost(register(gql_client).json()) == EMPTY_PAGE


def test_after_registering_the_hash_alone_runs_the_document(gql_client):
    register(gql_client)

    body = post(gql_client, {"extensions": apq(sha256_hex(NAMES))}).json()

    assert without_cost(body) == EMPTY_PAGE


@pytest.mark.redis
def test_a_registered_document_is_shared_through_redis(gql_client):
    register(gql_client)
    persisted_queries.clear_local()  # as another process would see it

    body = post(gql_client, {"extensions": apq(sha256_hex(NAMES))}).json()

    assert without_cost(body) == EMPTY_PAGE


def test_get_with_the_hash_alone_runs_a_registered_query(gql_client):
    register(gql_client)

    response = gql_client.get(
        GRAPHQL_URL,
        {"extensions": json.dumps(apq(sha256_hex(NAMES)))},
        headers={"Accept": JSON},
    )

    assert response.status_code == 200
    assert without_cost(response.json()) == EMPTY_PAGE


def test_get_with_the_hash_of_a_mutation_is_refused_with_405(gql_client):
    register(gql_client, REVOKE, {"t": "x"})  # registered by POST: it validates
    assert error_codes(
        post(gql_client, {"extensions": apq(sha256_hex(REVOKE))}).json()
    ) != ["PERSISTED_QUERY_NOT_FOUND"]

    response = gql_client.get(
        GRAPHQL_URL,
        {
            "extensions": json.dumps(apq(sha256_hex(REVOKE))),
            "variables": '{"t": "x"}',
        },
        headers={"Accept": JSON},
    )

    assert response.status_code == 405


def test_a_hash_that_is_not_the_texts_is_a_bad_request(gql_client):
    response = post(gql_client, {"query": NAMES, "extensions": apq("0" * 64)})

    assert response.status_code == 400
    assert (
        response.json()["errors"][0]["message"] == "provided sha does not match query"
    )


def test_another_protocol_version_is_a_bad_request(gql_client):
    response = post(
        gql_client, {"query": NAMES, "extensions": apq(sha256_hex(NAMES), version=2)}
    )

    assert response.status_code == 400
    assert error_codes(response.json()) == ["BAD_REQUEST"]


def test_a_hash_that_is_not_64_hex_digits_is_a_bad_request(gql_client):
    response = post(gql_client, {"extensions": apq("not-a-hash")})

    assert response.status_code == 400
    assert error_codes(response.json()) == ["BAD_REQUEST"]


def test_a_document_that_does_not_validate_is_not_registered(gql_client):
    broken = "{ products { nope } }"
    register(gql_client, broken)

    body = post(gql_client, {"extensions": apq(sha256_hex(broken))}).json()

    assert error_codes(body) == ["PERSISTED_QUERY_NOT_FOUND"]


def test_a_document_over_the_byte_cap_runs_but_is_not_kept(gql_client, settings):
    settings.GRAPHQL_APQ_MAX_BYTES = len(NAMES) - 1

    assert without_cost(register(gql_client).json()) == EMPTY_PAGE
    body = post(gql_client, {"extensions": apq(sha256_hex(NAMES))}).json()
    assert error_codes(body) == ["PERSISTED_QUERY_NOT_FOUND"]


def test_switched_off_nothing_is_registered(gql_client, settings):
    settings.GRAPHQL_APQ = False
    register(gql_client)

    body = post(gql_client, {"extensions": apq(sha256_hex(NAMES))}).json()

    assert error_codes(body) == ["PERSISTED_QUERY_NOT_FOUND"]


def test_strict_trusted_documents_register_nothing(gql_client, settings, tmp_path):
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"other": "{ __typename }"}), encoding="utf-8")
    settings.GRAPHQL_TRUSTED_DOCUMENTS = "strict"
    settings.GRAPHQL_TRUSTED_DOCUMENTS_MANIFEST = manifest

    refused = register(gql_client).json()
    body = post(gql_client, {"extensions": apq(sha256_hex(NAMES))}).json()

    assert error_codes(refused) == ["TRUSTED_DOCUMENT_REQUIRED"]
    assert error_codes(body) == ["PERSISTED_QUERY_NOT_FOUND"]


def test_with_redis_down_documents_are_kept_in_this_process(
    gql_client, settings, caplog
):
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens
    caplog.set_level(logging.WARNING, logger="fashionistar.graphql")

    register(gql_client)
    body = post(gql_client, {"extensions": apq(sha256_hex(NAMES))}).json()

    assert without_cost(body) == EMPTY_PAGE
    assert "persisted queries degraded to this process: Redis unavailable" in (
        caplog.messages
    )
