"""Posting GraphQL documents to the real /graphql/ endpoint."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.test import AsyncClient, Client
from strawberry import relay

from tests.factories.accounts import signed_in

if TYPE_CHECKING:  # a name only django-stubs defines: the test client's response
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

GRAPHQL_URL = "/graphql/"
JSON = "application/json"


def _body(query: str, variables: dict[str, Any] | None) -> str:
    return json.dumps({"query": query, "variables": variables or {}})


def _headers(
    bearer: str | None, headers: dict[str, str] | None = None
) -> dict[str, str]:
    all_headers = {"Accept": JSON, **(headers or {})}
    if bearer is not None:
        all_headers["Authorization"] = f"Bearer {bearer}"
    return all_headers


def _checked(
    body: dict[str, Any], *, expect_errors: bool, status: int | None = None
) -> dict[str, Any]:
    if expect_errors:
        assert body.get("errors"), body
    else:
        assert status in (None, 200), body
        assert "errors" not in body, body["errors"]
    return body


def request(
    client: Client,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    bearer: str | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """POST a document, with a bearer token if given; return the response."""
    response: Response = client.post(
        GRAPHQL_URL,
        data=_body(query, variables),
        content_type=JSON,
        headers=_headers(bearer, headers),
    )
    return response


def gql(
    client: Client,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    expect_errors: bool = False,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """POST a document; fail on `errors` unless `expect_errors`."""
    response = request(client, query, variables, headers=headers)
    return _checked(
        response.json(), expect_errors=expect_errors, status=response.status_code
    )


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
        data=_body(query, variables),
        content_type=JSON,
        headers=_headers(None),
    )
    return _checked(response.json(), expect_errors=expect_errors)


def post(
    client: Client,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    bearer: str | None = None,
) -> dict[str, Any]:
    """POST a document with an optional bearer token; return the body as is."""
    body: dict[str, Any] = request(client, query, variables, bearer=bearer).json()
    return body


def error_codes(body: dict[str, Any]) -> list[str]:
    """Return the `extensions.code` of each error, in order."""
    return [error.get("extensions", {}).get("code") for error in body["errors"]]


def gid(type_name: str, pk: int) -> str:
    """Return the global ID of the `type_name` row `pk`."""
    return relay.to_base64(type_name, pk)


def token(user: Any) -> str:
    """Return a fresh access token for `user`, made by the real sign-in service."""
    return signed_in(user).access_token


def without_cost(body: dict[str, Any]) -> dict[str, Any]:
    """Return a response body without `extensions.cost`, for whole-body checks.

    Every executed operation reports its cost (docs/graphql.md, "Query
    cost"); tests of other behaviour compare the rest of the body.
    """
    extensions = {
        name: value
        for name, value in (body.get("extensions") or {}).items()
        if name != "cost"
    }
    rest = {name: value for name, value in body.items() if name != "extensions"}
    return {**rest, "extensions": extensions} if extensions else rest
