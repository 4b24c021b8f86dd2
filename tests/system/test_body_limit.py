"""Hostile bodies against the real server: the streaming cap, the read
deadline, deep nesting.

The cap is config/body_limit.py, in front of Django. The cap tests use raw
sockets, because an HTTP client would neither send a Content-Length it does
not mean nor stop a chunked upload when the answer comes early.
"""

from __future__ import annotations

import json
import select
import socket
import time
from collections.abc import Iterator

import httpx
import pytest
from django.conf import settings

from schema.http.strict_json import MAX_JSON_DEPTH
from tests.factories.catalog import ProductFactory
from tests.support.graphql import without_cost
from tests.support.live_server import LiveServer, live_server

pytestmark = pytest.mark.system

CHUNK = 64 * 1024


@pytest.fixture(scope="module")
def server(django_db_setup: None) -> Iterator[LiveServer]:
    with live_server() as running:
        yield running


@pytest.fixture(autouse=True)
def _server_log(server: LiveServer) -> Iterator[None]:
    with server.log_on_failure():
        yield


def request_head(server: LiveServer, *headers: str) -> bytes:
    lines = [
        "POST /graphql/ HTTP/1.1",
        f"Host: {server.host}:{server.port}",
        "Content-Type: application/json",
        "Accept: application/json",
        *headers,
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def read_response(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """Read a response the server ends by closing the connection."""
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {
        name.strip().lower(): value.strip()
        for name, _, value in (line.partition(":") for line in header_lines)
    }
    return int(status_line.split()[1]), headers, body


def assert_payload_too_large(status: int, headers: dict[str, str], body: bytes):
    assert status == 413
    assert headers["content-type"] == "application/json; charset=utf-8"
    cap = settings.MAX_REQUEST_BODY_BYTES
    assert json.loads(body) == {
        "errors": [
            {
                "message": f"Request body exceeds {cap} bytes.",
                "extensions": {"code": "PAYLOAD_TOO_LARGE"},
            }
        ]
    }


def test_declared_length_over_the_cap_gets_413_before_any_body_is_sent(server):
    cap = settings.MAX_REQUEST_BODY_BYTES

    with socket.create_connection((server.host, server.port), timeout=10) as sock:
        sock.sendall(request_head(server, f"Content-Length: {cap + 1}"))
        status, headers, body = read_response(sock)

    assert_payload_too_large(status, headers, body)


def test_chunked_body_streaming_past_the_cap_is_cut_off_with_413(server):
    cap = settings.MAX_REQUEST_BODY_BYTES
    sent, answered_mid_upload = 0, False

    with socket.create_connection((server.host, server.port), timeout=10) as sock:
        sock.sendall(request_head(server, "Transfer-Encoding: chunked"))
        try:
            # An upload with no end in sight: only the server's answer stops it.
            # (Socket buffers take a few chunks beyond the cap before that.)
            while sent < 8 * cap:
                if select.select([sock], [], [], 0)[0]:
                    answered_mid_upload = True
                    break
                sock.sendall(b"%x\r\n%s\r\n" % (CHUNK, b" " * CHUNK))
                sent += CHUNK
        except (BrokenPipeError, ConnectionResetError):
            answered_mid_upload = True  # it answered and closed while this side sent
        status, headers, body = read_response(sock)

    assert answered_mid_upload
    assert_payload_too_large(status, headers, body)


def test_body_of_exactly_the_cap_is_served(server, transactional_db):
    product = ProductFactory.create(name="Linen shirt")
    query = "{ products(first: 5) { edges { node { name } } } }"
    envelope = json.dumps({"query": query, "extensions": {"padding": ""}})
    padding = settings.MAX_REQUEST_BODY_BYTES - len(envelope.encode())
    body = json.dumps({"query": query, "extensions": {"padding": " " * padding}})
    assert len(body.encode()) == settings.MAX_REQUEST_BODY_BYTES

    response = httpx.post(
        f"{server.url}/graphql/",
        content=body,
        headers={"Content-Type": "application/json", "Accept": "application/json"},
        timeout=30,
    )

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert without_cost(response.json()) == {
        "data": {"products": {"edges": [{"node": {"name": product.name}}]}}
    }


def test_deeply_nested_body_under_the_cap_gets_400_and_the_server_lives_on(server):
    # Under Granian the view runs on the server's own threads, whose stacks
    # are not the test process's: this is the recursion that could kill it.
    response = httpx.post(
        f"{server.url}/graphql/",
        content="[" * 100_000,
        headers={"Content-Type": "application/json", "Accept": "application/json"},
        timeout=30,
    )

    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert response.json() == {
        "errors": [
            {
                "message": f"JSON nested deeper than {MAX_JSON_DEPTH} levels.",
                "extensions": {"code": "BAD_REQUEST", "pointer": ""},
            }
        ]
    }
    assert httpx.get(f"{server.url}/health/live", timeout=5).status_code == 200


# The body deadline, with numbers small enough to test in seconds: 2 s, plus
# 1 s per 500 bytes received, at most 6 s (the defaults are 10, 500, 60).
QUICK_DEADLINE = {
    "REQUEST_BODY_TIMEOUT": "2",
    "REQUEST_BODY_MIN_RATE": "500",
    "REQUEST_BODY_TIMEOUT_MAX": "6",
}
SLACK = 4.0  # scheduling on a loaded CI machine, not a speed claim


@pytest.fixture(scope="module")
def quick_server(django_db_setup: None) -> Iterator[LiveServer]:
    with live_server(env=QUICK_DEADLINE) as running, running.log_on_failure():
        yield running


def typename_body(size: int) -> bytes:
    """Return a valid GraphQL request padded to exactly `size` bytes."""
    envelope = json.dumps({"query": "{ __typename }", "extensions": {"pad": ""}})
    padding = " " * (size - len(envelope))
    return json.dumps(
        {"query": "{ __typename }", "extensions": {"pad": padding}}
    ).encode()


def send_steadily(
    server: LiveServer, body: bytes, *, bytes_per_second: int
) -> tuple[int, bytes, float]:
    """Upload `body` at a steady rate; return status, answer body, seconds taken."""
    step = bytes_per_second // 10
    started = time.monotonic()
    with socket.create_connection((server.host, server.port), timeout=30) as sock:
        sock.sendall(
            request_head(server, f"Content-Length: {len(body)}", "Connection: close")
        )
        try:
            for offset in range(0, len(body), step):
                if select.select([sock], [], [], 0)[0]:
                    break  # answered before the body was done
                sock.sendall(body[offset : offset + step])
                time.sleep(0.1)
        except (BrokenPipeError, ConnectionResetError):
            pass  # it answered and closed while this side sent
        status, _, answer = read_response(sock)
    return status, answer, time.monotonic() - started


def test_slow_but_steady_body_past_the_base_timeout_is_served(quick_server):
    # 4,000 bytes at 1,000 bytes/s: 4 s, twice the 2 s base, never behind.
    status, answer, took = send_steadily(
        quick_server, typename_body(4000), bytes_per_second=1000
    )

    assert took > 2
    assert status == 200
    assert without_cost(json.loads(answer)) == {"data": {"__typename": "Query"}}


def test_steady_body_past_the_ceiling_gets_408_at_the_ceiling(quick_server):
    # 12,000 bytes at 1,000 bytes/s would take 12 s; the ceiling is 6 s.
    status, answer, took = send_steadily(
        quick_server, typename_body(12_000), bytes_per_second=1000
    )

    assert status == 408
    assert 6 <= took < 6 + SLACK
    assert json.loads(answer) == {
        "errors": [
            {
                "message": (
                    "Request body not received in time: 2 s, plus 1 s per 500 "
                    "bytes received, at most 6 s."
                ),
                "extensions": {"code": "REQUEST_TIMEOUT"},
            }
        ]
    }
