"""Posting GraphQL documents to the real /graphql/ endpoint."""

from __future__ import annotations

import json
from typing import Any

from django.test import AsyncClient, Client
from strawberry import relay

from tests.factories.accounts import signed_in

GRAPHQL_URL = "/graphql/"
JSON = "application/json"


def gql(
    client: Client,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    expect_errors: bool = False,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """POST a document; fail on `errors` unless `expect_errors`."""
    response = client.post(
        GRAPHQL_URL,
        data=json.dumps({"query": query, "variables": variables or {}}),
        content_type=JSON,
        headers={"Accept": JSON, **(headers or {})},
    )
    body: dict[str, Any] = response.json()
    if expect_errors:
        assert body.get("errors"), body
    else:
        assert response.status_code == 200, body
        assert "errors" not in body, body["errors"]
    return body


async def agql(
    client: AsyncClient,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    expect_errors: bool = False,
) -> dict[str, Any]:
    """Async twin of `gql`."""
    response = await client.post(
        GRAPHQL_URL,
        data=json.dumps({"query": query, "variables": variables or {}}),
        content_type=JSON,
        headers={"Accept": JSON},
    )
    body: dict[str, Any] = response.json()
    if expect_errors:
        assert body.get("errors"), body
    else:
        assert "errors" not in body, body["errors"]
    return body


def error_codes(body: dict[str, Any]) -> list[str]:
    """Return the `extensions.code` of each error, in order."""
    return [error.get("extensions", {}).get("code") for error in body["errors"]]


def post(
    client: Client,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    bearer: str | None = None,
) -> dict[str, Any]:
    """POST a document with an optional bearer token; return the body as is."""
    headers = {"Accept": JSON}
    if bearer is not None:
        headers["Authorization"] = f"Bearer {bearer}"
    response = client.post(
        GRAPHQL_URL,
        data=json.dumps({"query": query, "variables": variables or {}}),
        content_type=JSON,
        headers=headers,
    )
    body: dict[str, Any] = response.json()
    return body


def gid(type_name: str, pk: int) -> str:
    """Return the global ID of the `type_name` row `pk`."""
    return relay.to_base64(type_name, pk)


def token(user: Any) -> str:
    """Return a fresh access token for `user`, made by the real sign-in service."""
    return signed_in(user).access_token
