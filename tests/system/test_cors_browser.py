"""A storefront on another origin calls the API from headless Chromium (CORS)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from strawberry import relay

from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.catalog import stocked_variant
from tests.support.browser import chromium, requires_chromium
from tests.support.graphql import without_cost
from tests.support.live_server import free_port, live_server

pytestmark = [pytest.mark.system, pytest.mark.slow, requires_chromium]

# Runs in the storefront's page: `fetch` as a storefront's GraphQL client does.
CALL_API = """async ([url, query, variables, token]) => {
  const headers = {"Content-Type": "application/json", "X-Request-ID": "storefront-1"};
  if (token) headers["Authorization"] = `Bearer ${token}`;
  try {
    const response = await fetch(url, {
      method: "POST", headers, body: JSON.stringify({query, variables}),
    });
    return {status: response.status, requestId: response.headers.get("X-Request-ID"),
            body: await response.json()};
  } catch (error) {
    return {blocked: String(error)};
  }
}"""
ORDER_CREATE = """mutation ($input: OrderCreateInput!) {
  orderCreate(input: $input) { order { status } errors { field code } }
}"""


class _Storefront(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"<!doctype html><title>storefront</title><p>shop</p>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def storefront() -> Iterator[str]:
    """Serve a blank storefront page on another loopback port; yield its origin."""
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), _Storefront)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def shops():
    with storefront() as allowed, storefront() as unlisted:
        yield allowed, unlisted


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker, shops):
    allowed, _ = shops
    with (
        django_db_blocker.unblock(),
        live_server(env={"CORS_ALLOWED_ORIGINS": allowed}) as running,
    ):
        yield running


@pytest.fixture(scope="module")
def browser():
    with chromium() as running:
        yield running


def test_a_storefront_on_another_origin_queries_and_places_an_order(
    transactional_db, server, browser, shops
):
    allowed, _ = shops
    user = UserFactory(email="ada@example.com", verified=True)
    variant = stocked_variant()
    page = browser.new_context().new_page()
    page.goto(allowed)
    api = f"{server.url}/graphql/"

    catalog = page.evaluate(CALL_API, [api, "{ __typename }", None, None])
    signed = page.evaluate(
        CALL_API,
        [
            api,
            "mutation ($e: String!, $p: String!) {"
            " tokenCreate(email: $e, password: $p) { accessToken errors { code } } }",
            {"e": user.email, "p": PASSWORD},
            None,
        ],
    )
    token = signed["body"]["data"]["tokenCreate"]["accessToken"]
    order = page.evaluate(
        CALL_API,
        [
            api,
            ORDER_CREATE,
            {
                "input": {
                    "lines": [
                        {
                            "variantId": relay.to_base64("ProductVariant", variant.pk),
                            "quantity": 1,
                        }
                    ],
                    "shippingAddress": {
                        "fullName": "Ada Lovelace",
                        "line1": "12 St James's Square",
                        "city": "London",
                        "postalCode": "SW1Y 4JH",
                        "country": "GB",
                    },
                    "idempotencyKey": str(uuid.uuid4()),
                }
            },
            token,
        ],
    )

    assert without_cost(catalog["body"]) == {"data": {"__typename": "Query"}}
    assert catalog["requestId"] == "storefront-1"  # an exposed header
    assert token
    assert order["body"]["data"]["orderCreate"] == {
        "order": {"status": "PENDING_PAYMENT"},
        "errors": [],
    }


def test_a_page_on_an_unlisted_origin_is_blocked_by_the_browser(server, browser, shops):
    _, unlisted = shops
    page = browser.new_context().new_page()
    page.goto(unlisted)

    result = page.evaluate(
        CALL_API, [f"{server.url}/graphql/", "{ __typename }", None, None]
    )

    assert "blocked" in result
