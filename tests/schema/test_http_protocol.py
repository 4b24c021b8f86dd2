"""GraphQL over HTTP at /graphql/: methods, media types, status codes, CSRF.

The rules come from https://graphql.github.io/graphql-over-http/draft/ ; the
official audit runs against the real server in tests/system.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import strawberry
from django.http import HttpResponse
from django.test import AsyncRequestFactory, Client

from apps.accounts.models import User
from schema.views import GraphQLView
from tests.support.graphql import GRAPHQL_URL, error_codes, without_cost

JSON = "application/json"
GRAPHQL_RESPONSE = "application/graphql-response+json"
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def post(
    client: Client,
    body: dict[str, Any] | str,
    *,
    accept: str | None = JSON,
    content_type: str = JSON,
    headers: dict[str, str] | None = None,
):
    headers = dict(headers or {})
    if accept is not None:
        headers["Accept"] = accept
    return client.post(
        GRAPHQL_URL,
        data=body if isinstance(body, str) else json.dumps(body),
        content_type=content_type,
        headers=headers,
    )


def content_type(response) -> str:
    return str(response["Content-Type"])


# Media types -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        pytest.param(None, JSON, id="no_accept_header_case"),
        pytest.param("*/*", JSON, id="any_type_case"),
        pytest.param("application/*", JSON, id="any_application_type_case"),
        pytest.param(JSON, JSON, id="json_case"),
        pytest.param(GRAPHQL_RESPONSE, GRAPHQL_RESPONSE, id="graphql_response_case"),
        pytest.param(
            f"{GRAPHQL_RESPONSE}; charset=utf-8, {JSON}; charset=utf-8",
            GRAPHQL_RESPONSE,
            id="spec_recommended_header_case",
        ),
        pytest.param(f"{JSON}, {GRAPHQL_RESPONSE}", JSON, id="first_listed_wins_case"),
        pytest.param(
            f"{JSON};q=0.5, {GRAPHQL_RESPONSE}", GRAPHQL_RESPONSE, id="quality_case"
        ),
        pytest.param(f"*/*, {JSON};q=0", GRAPHQL_RESPONSE, id="json_refused_case"),
        pytest.param(BROWSER_ACCEPT, JSON, id="browser_case"),
    ],
)
def test_accept_header_chooses_the_response_media_type(gql_client, accept, expected):
    response = post(gql_client, {"query": "{ __typename }"}, accept=accept)

    assert response.status_code == 200
    assert content_type(response) == f"{expected}; charset=utf-8"
    assert without_cost(response.json()) == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize(
    "accept",
    [
        pytest.param("text/plain", id="text_case"),
        pytest.param("application/xml", id="xml_case"),
        pytest.param(f"{JSON}; charset=latin-1", id="other_charset_case"),
        pytest.param(f"{JSON};q=0", id="json_refused_case"),
    ],
)
def test_accept_header_without_a_json_type_gets_406(gql_client, accept):
    response = post(gql_client, {"query": "{ __typename }"}, accept=accept)

    assert response.status_code == 406
    assert content_type(response) == f"{JSON}; charset=utf-8"
    body = response.json()
    assert error_codes(body) == ["NOT_ACCEPTABLE"]
    assert body["errors"][0]["message"] == (
        f"Responses are {GRAPHQL_RESPONSE} or {JSON}; the Accept header allows neither."
    )


def test_responses_vary_on_accept(gql_client):
    response = post(gql_client, {"query": "{ __typename }"})

    assert "Accept" in response["Vary"]


# Status codes ----------------------------------------------------------------

REQUEST_ERRORS = [
    pytest.param(
        {"query": "{"},
        "GRAPHQL_PARSE_FAILED",
        "Syntax Error: Expected Name, found <EOF>.",
        id="document_parsing_failure_case",
    ),
    pytest.param(
        {"query": "{ zzzz }"},
        "GRAPHQL_VALIDATION_FAILED",
        "Cannot query field 'zzzz' on type 'Query'.",
        id="document_validation_failure_case",
    ),
    pytest.param(
        {"query": "query ($slug: String!) { product(slug: $slug) { name } }"},
        "BAD_USER_INPUT",
        "Variable '$slug' has invalid value: "
        "Expected a value of non-null type 'String!' to be provided.",
        id="variable_coercion_failure_case",
    ),
    pytest.param(
        {"query": "query A { __typename }", "operationName": "B"},
        "OPERATION_NOT_FOUND",
        'Unknown operation named "B".',
        id="operation_not_found_case",
    ),
]


@pytest.mark.parametrize(("body", "code", "message"), REQUEST_ERRORS)
def test_request_error_is_200_without_data_under_json(gql_client, body, code, message):
    response = post(gql_client, body, accept=JSON)

    assert response.status_code == 200
    assert content_type(response) == f"{JSON}; charset=utf-8"
    payload = response.json()
    assert "data" not in payload
    assert len(payload["errors"]) == 1
    assert error_codes(payload) == [code]
    assert payload["errors"][0]["message"] == message


@pytest.mark.parametrize(("body", "code", "message"), REQUEST_ERRORS)
def test_request_error_is_400_without_data_under_graphql_response_json(
    gql_client, body, code, message
):
    response = post(gql_client, body, accept=GRAPHQL_RESPONSE)

    assert response.status_code == 400
    assert content_type(response) == f"{GRAPHQL_RESPONSE}; charset=utf-8"
    payload = response.json()
    assert "data" not in payload
    assert len(payload["errors"]) == 1
    assert error_codes(payload) == [code]
    assert payload["errors"][0]["message"] == message


def test_field_error_is_a_partial_response_with_200_under_graphql_response_json(
    gql_client,
):
    response = post(
        gql_client, {"query": "{ product { name } }"}, accept=GRAPHQL_RESPONSE
    )

    assert response.status_code == 200
    assert content_type(response) == f"{GRAPHQL_RESPONSE}; charset=utf-8"
    payload = response.json()
    assert payload["data"] == {"product": None}
    assert error_codes(payload) == ["BAD_USER_INPUT"]
    assert payload["errors"][0]["message"] == "Pass exactly one of id or slug."
    assert payload["errors"][0]["path"] == ["product"]


# Methods -------------------------------------------------------------------------


def test_get_runs_a_query(gql_client):
    response = gql_client.get(
        GRAPHQL_URL,
        {
            "query": "query ($n: String!) { __type(name: $n) { name } }",
            "variables": json.dumps({"n": "Query"}),
        },
        headers={"Accept": JSON},
    )

    assert response.status_code == 200
    assert content_type(response) == f"{JSON}; charset=utf-8"
    assert without_cost(response.json()) == {"data": {"__type": {"name": "Query"}}}


def test_get_treats_an_empty_operation_name_as_none(gql_client):
    response = gql_client.get(
        GRAPHQL_URL,
        {"query": "{ __typename }", "operationName": ""},
        headers={"Accept": JSON},
    )

    assert response.status_code == 200
    assert without_cost(response.json()) == {"data": {"__typename": "Query"}}


def test_get_mutation_gets_405_allowing_post(gql_client):
    response = gql_client.get(
        GRAPHQL_URL, {"query": "mutation { __typename }"}, headers={"Accept": JSON}
    )

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert content_type(response) == f"{JSON}; charset=utf-8"
    body = response.json()
    assert "data" not in body
    assert error_codes(body) == ["METHOD_NOT_ALLOWED"]
    assert body["errors"][0]["message"] == (
        "Mutations must be sent with POST; GET only runs queries."
    )


def recording_schema(calls: list[str]) -> strawberry.Schema:
    """A schema whose one mutation records each run (the API has none yet)."""

    @strawberry.type
    class Query:
        ping: str = "pong"

    @strawberry.type
    class Mutation:
        @strawberry.mutation
        def record(self) -> bool:
            calls.append("record")
            return True

    return strawberry.Schema(query=Query, mutation=Mutation)


async def test_get_mutation_is_not_executed():
    calls: list[str] = []
    view: Any = GraphQLView.as_view(schema=recording_schema(calls))  # async
    request = AsyncRequestFactory().get(
        GRAPHQL_URL, {"query": "mutation { record }"}, headers={"Accept": JSON}
    )

    response = await view(request)

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert calls == []


async def test_post_mutation_is_executed():
    calls: list[str] = []
    view: Any = GraphQLView.as_view(schema=recording_schema(calls))  # async
    request = AsyncRequestFactory().post(
        GRAPHQL_URL,
        data=json.dumps({"query": "mutation { record }"}),
        content_type=JSON,
        headers={"Accept": JSON},
    )

    response = await view(request)

    assert response.status_code == 200
    assert json.loads(response.content) == {"data": {"record": True}}
    assert calls == ["record"]


@pytest.mark.parametrize("method", ["put", "patch", "delete", "head", "options"])
def test_other_methods_get_405_allowing_get_and_post(gql_client, method):
    response = getattr(gql_client, method)(GRAPHQL_URL, headers={"Accept": JSON})

    assert response.status_code == 405
    assert response["Allow"] == "GET, POST"
    assert content_type(response) == f"{JSON}; charset=utf-8"
    if method != "head":
        assert error_codes(response.json()) == ["METHOD_NOT_ALLOWED"]


# Request bodies ------------------------------------------------------------------


@pytest.mark.parametrize(
    "media_type",
    [
        pytest.param("text/plain", id="text_case"),
        pytest.param("application/x-www-form-urlencoded", id="form_case"),
        pytest.param("application/graphql", id="legacy_graphql_case"),
        pytest.param(f"{JSON}; charset=latin-1", id="other_charset_case"),
        pytest.param("", id="no_content_type_case"),
    ],
)
# multipart/form-data is the upload spec's (tests/schema/test_product_media_upload.py).
def test_unsupported_content_type_gets_415(gql_client, media_type):
    response = post(gql_client, '{"query": "{ __typename }"}', content_type=media_type)

    assert response.status_code == 415
    assert response["Accept-Post"] == f"{JSON}; charset=utf-8"
    assert content_type(response) == f"{JSON}; charset=utf-8"
    body = response.json()
    assert error_codes(body) == ["UNSUPPORTED_MEDIA_TYPE"]
    assert body["errors"][0]["message"] == (
        f"POST bodies must be {JSON} in UTF-8; Content-Type was {media_type or 'none'}."
    )


def test_json_with_utf8_charset_is_accepted(gql_client):
    response = post(
        gql_client, {"query": "{ __typename }"}, content_type=f"{JSON}; charset=UTF-8"
    )

    assert response.status_code == 200
    assert without_cost(response.json()) == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize(
    ("body", "message", "pointer"),
    [
        pytest.param(
            # Django's test client drops the Content-Type of an empty body;
            # graphql-http's audit A5BF covers that one on the real server.
            " ",
            "Invalid JSON: Expecting value: line 1 column 2 (char 1)",
            "",
            id="blank_body_case",
        ),
        pytest.param(
            '{"query": ',
            "Invalid JSON: Expecting value: line 1 column 11 (char 10)",
            "",
            id="truncated_json_case",
        ),
        pytest.param(
            '"{ __typename }"',
            "The request must be a JSON object.",
            None,
            id="not_an_object_case",
        ),
        pytest.param(
            '[{"query": "{ __typename }"}]',
            "Batched requests are not supported; send one operation.",
            None,
            id="batch_case",
        ),
        pytest.param(
            '{"qeury": "{ __typename }"}',
            "The `query` parameter is required.",
            "/query",
            id="missing_query_case",
        ),
        pytest.param(
            '{"query": null}',
            "The `query` parameter is required.",
            "/query",
            id="null_query_case",
        ),
        pytest.param(
            '{"query": ""}',
            "The `query` parameter is empty.",
            None,
            id="empty_query_case",
        ),
        pytest.param(
            '{"query": {"a": 1}}',
            "`query` must be a string.",
            "/query",
            id="object_query_case",
        ),
        pytest.param(
            '{"query": "{ __typename }", "operationName": 1}',
            "`operationName` must be a string or null.",
            "/operationName",
            id="number_operation_name_case",
        ),
        pytest.param(
            '{"query": "{ __typename }", "variables": [7]}',
            "`variables` must be an object or null.",
            "/variables",
            id="list_variables_case",
        ),
        pytest.param(
            '{"query": "{ __typename }", "extensions": "x"}',
            "`extensions` must be an object or null.",
            "/extensions",
            id="string_extensions_case",
        ),
    ],
)
def test_malformed_request_gets_400(gql_client, body, message, pointer):
    response = post(gql_client, body, accept=GRAPHQL_RESPONSE)

    assert response.status_code == 400
    assert content_type(response) == f"{GRAPHQL_RESPONSE}; charset=utf-8"
    payload = response.json()
    assert "data" not in payload
    assert len(payload["errors"]) == 1
    assert payload["errors"][0]["message"] == message
    assert payload["errors"][0]["extensions"].get("pointer") == pointer
    assert error_codes(payload) == ["BAD_REQUEST"]


@pytest.mark.parametrize("name", ["variables", "operationName", "extensions"])
def test_null_optional_parameter_is_the_same_as_none(gql_client, name):
    response = post(gql_client, {"query": "{ __typename }", name: None})

    assert response.status_code == 200
    assert without_cost(response.json()) == {"data": {"__typename": "Query"}}


# CSRF --------------------------------------------------------------------------


@pytest.fixture
def browser(db, settings) -> Client:
    """A browser that signed in (so it holds the session cookie)."""
    settings.GRAPHQL_IDE = True
    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.create_user("shopper@example.com", "pw"))
    return client


def graphiql_csrf_token(client: Client) -> str:
    page = client.get(GRAPHQL_URL, headers={"Accept": "text/html"})
    match = re.search(r'const csrfToken = "([^"]+)";', page.content.decode())
    assert match is not None
    return match.group(1)


def assert_csrf_refused(response, reason: str) -> None:
    assert response.status_code == 403
    assert content_type(response) == f"{JSON}; charset=utf-8"
    body = response.json()
    assert error_codes(body) == ["CSRF_FAILED"]
    assert body["errors"][0]["message"] == f"CSRF check failed: {reason}"


def test_api_client_without_cookies_needs_no_csrf_token(gql_client):
    response = post(gql_client, {"query": "{ __typename }"})

    assert response.status_code == 200
    assert without_cost(response.json()) == {"data": {"__typename": "Query"}}


def test_session_post_without_csrf_cookie_is_refused(browser):
    response = post(browser, {"query": "{ __typename }"})

    assert_csrf_refused(response, "CSRF cookie not set.")


def test_session_post_without_csrf_header_is_refused(browser):
    graphiql_csrf_token(browser)  # the page sets the CSRF cookie

    response = post(browser, {"query": "{ __typename }"})

    assert_csrf_refused(response, "CSRF token missing.")


def test_session_post_with_a_wrong_csrf_token_is_refused(browser):
    graphiql_csrf_token(browser)

    response = post(
        browser, {"query": "{ __typename }"}, headers={"X-CSRFToken": "x" * 64}
    )

    assert_csrf_refused(
        response, "CSRF token from the 'X-Csrftoken' HTTP header incorrect."
    )


def test_session_post_from_another_origin_is_refused(browser):
    token = graphiql_csrf_token(browser)

    response = post(
        browser,
        {"query": "{ __typename }"},
        headers={"X-CSRFToken": token, "Origin": "https://evil.example"},
    )

    assert_csrf_refused(
        response,
        "Origin checking failed - https://evil.example does not match any "
        "trusted origins.",
    )


def test_session_post_with_the_graphiql_csrf_token_is_served(browser):
    token = graphiql_csrf_token(browser)

    response = post(
        browser, {"query": "{ __typename }"}, headers={"X-CSRFToken": token}
    )

    assert response.status_code == 200
    assert without_cost(response.json()) == {"data": {"__typename": "Query"}}


def test_session_get_needs_no_csrf_token(browser):
    response = browser.get(
        GRAPHQL_URL, {"query": "{ __typename }"}, headers={"Accept": JSON}
    )

    assert response.status_code == 200
    assert without_cost(response.json()) == {"data": {"__typename": "Query"}}


# Database outage -----------------------------------------------------------------

UNAVAILABLE_BODY = {
    "errors": [
        {
            "message": "The service is temporarily unavailable; retry shortly.",
            "extensions": {"code": "SERVICE_UNAVAILABLE"},
        }
    ]
}


def _django_error(error: Exception) -> Exception:
    """Wrap a psycopg error the way Django's DatabaseErrorWrapper does."""
    from django.db import utils

    name = next(
        base.__name__ for base in type(error).__mro__ if hasattr(utils, base.__name__)
    )
    wrapper = getattr(utils, name)
    try:
        raise wrapper(*error.args) from error
    except Exception as wrapped:
        return wrapped


def failing_schema(error: Exception) -> strawberry.Schema:
    """Two fields: one fine, one failing with `error`, behind ErrorPolicy."""
    from schema.core.limits import ErrorPolicy
    from schema.http.availability import DatabaseAvailability

    @strawberry.type
    class Query:
        @strawberry.field
        def ping(self) -> str:
            return "pong"

        @strawberry.field
        async def broken(self) -> str:
            raise error

    return strawberry.Schema(
        query=Query, extensions=[ErrorPolicy, DatabaseAvailability]
    )


async def _post_to(schema: strawberry.Schema, accept: str):
    view: Any = GraphQLView.as_view(schema=schema)  # async
    request = AsyncRequestFactory().post(
        GRAPHQL_URL,
        data=json.dumps({"query": "{ ping broken }"}),
        content_type=JSON,
        headers={"Accept": accept},
    )
    return await view(request)


def _outage_errors() -> list[Exception]:
    import psycopg
    import psycopg_pool

    refused = psycopg.OperationalError("connection refused")
    return [
        psycopg_pool.PoolTimeout("couldn't get a connection after 1.00 sec"),
        _django_error(refused),
        _django_error(psycopg.InterfaceError("the connection is closed")),
    ]


@pytest.mark.parametrize("accept", [JSON, GRAPHQL_RESPONSE])
@pytest.mark.parametrize("index", [0, 1, 2], ids=["pool", "refused", "closed"])
async def test_database_outage_is_a_503_with_retry_after(accept, index, caplog):
    response = await _post_to(failing_schema(_outage_errors()[index]), accept)

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert content_type(response).startswith(accept)
    assert json.loads(response.content) == UNAVAILABLE_BODY
    warnings = [r for r in caplog.records if r.name == "fashionistar.availability"]
    assert [(r.levelname, r.message, r.exc_info) for r in warnings] == [
        ("WARNING", "database unavailable", None)
    ]


async def test_other_database_errors_stay_masked_500s():
    import psycopg

    deadlock = psycopg.errors.DeadlockDetected("deadlock detected")
    response = await _post_to(failing_schema(_django_error(deadlock)), JSON)

    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["data"] is None  # `broken` is non-null
    assert error_codes(body) == ["INTERNAL_SERVER_ERROR"]


async def test_plain_django_views_answer_503_on_database_outage():
    from config.middleware import RequestLogMiddleware

    async def view(request):  # pragma: no cover - never called
        raise AssertionError

    middleware = RequestLogMiddleware(view)
    request = AsyncRequestFactory().get("/admin/")

    response = await middleware.process_exception(request, _outage_errors()[1])
    other = await middleware.process_exception(request, ValueError("bug"))

    assert isinstance(response, HttpResponse)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert json.loads(response.content) == UNAVAILABLE_BODY
    assert other is None
