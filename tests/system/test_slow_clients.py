"""Slow and oversized clients against the real server, as deploy/serve ships it.

Issue 10 saw 1,200 sockets trickling a body hold `/health/live` down for 38 s.
Here a few hundred (light enough for CI) trickle bodies and headers, and the
server must keep answering its probe and cut each of them off within the
timeouts docs/deploy.md states: WEB_HEADER_TIMEOUT (10 s, Granian) for
headers, REQUEST_BODY_TIMEOUT (10 s, config/body_limit.py) for bodies.
"""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import Iterator

import pytest
from django.conf import settings

from tests.support.live_server import LiveServer, live_server
from tests.support.slow_clients import (
    Outcome,
    probe_live,
    trickle_body,
    trickle_headers,
)

pytestmark = [pytest.mark.system, pytest.mark.slow]

HEADER_TIMEOUT = 10.0  # deploy/serve's WEB_HEADER_TIMEOUT default
MAX_HEADER_BYTES = 32 * 1024  # deploy/serve's WEB_MAX_HEADER_BYTES default
# Granian (hyper) checks the cap before each socket read, and its reads grow
# 8, 16, 32 KiB: a head of up to 56 KiB may be read whole, none beyond.
OVER_THE_CAP = 60_000
# Scheduling slack on a loaded 2-core CI machine, not a speed claim.
SLACK = 5.0


@pytest.fixture(scope="module")
def server(django_db_setup: None) -> Iterator[LiveServer]:
    with live_server() as running:
        yield running


@pytest.fixture(autouse=True)
def _server_log(server: LiveServer) -> Iterator[None]:
    with server.log_on_failure():
        yield


def body_deadline() -> float:
    """Seconds a body trickling a few bytes gets: the base, the grace is ~0."""
    return float(settings.REQUEST_BODY_TIMEOUT)


def exchange(server: LiveServer, request: bytes) -> bytes:
    """Send raw bytes, return everything the server sends before closing."""
    with socket.create_connection((server.host, server.port), timeout=30) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


def get(server: LiveServer, target: str, *headers: str, close: bool = True) -> bytes:
    lines = [f"GET {target} HTTP/1.1", f"Host: {server.host}:{server.port}", *headers]
    if close:
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def assert_timed_out_body(outcome: Outcome) -> None:
    assert outcome.status == 408
    _, _, body = outcome.answer.partition(b"\r\n\r\n")
    assert json.loads(body)["errors"][0]["extensions"] == {"code": "REQUEST_TIMEOUT"}


async def test_live_probe_answers_while_hundreds_of_slow_clients_hold_sockets(server):
    until = time.monotonic() + body_deadline() + SLACK + 3
    bodies = [
        trickle_body(server.host, server.port, every=3, until=until) for _ in range(300)
    ]
    heads = [
        trickle_headers(server.host, server.port, every=3, until=until)
        for _ in range(100)
    ]
    clients = asyncio.gather(*bodies, *heads)
    probes = await probe_live(
        server.host, server.port, every=0.5, patience=5.0, until=until
    )
    outcomes = await clients

    assert len(probes) > 10
    assert [p for p in probes if p.latency is None] == []
    assert all(o.connected for o in outcomes)
    lifetimes = [o.lifetime for o in outcomes]
    assert None not in lifetimes, "a slow socket outlived its timeout"
    assert [o.status for o in outcomes] == [408] * len(bodies) + [None] * len(heads)


async def test_trickled_body_is_cut_off_with_408_within_the_body_timeout(server):
    until = time.monotonic() + body_deadline() + SLACK

    outcome = await trickle_body(server.host, server.port, every=2, until=until)

    assert outcome.lifetime is not None
    assert body_deadline() <= outcome.lifetime < body_deadline() + SLACK
    assert_timed_out_body(outcome)
    _, _, body = outcome.answer.partition(b"\r\n\r\n")
    assert json.loads(body) == {
        "errors": [
            {
                "message": (
                    "Request body not received in time: 10 s, plus 1 s per 500 "
                    "bytes received, at most 60 s."
                ),
                "extensions": {"code": "REQUEST_TIMEOUT"},
            }
        ]
    }


async def test_trickled_headers_are_cut_off_within_the_header_timeout(server):
    until = time.monotonic() + HEADER_TIMEOUT + SLACK

    outcome = await trickle_headers(server.host, server.port, every=2, until=until)

    assert outcome.lifetime is not None
    assert HEADER_TIMEOUT - 1 <= outcome.lifetime < HEADER_TIMEOUT + SLACK
    assert outcome.answer == b""  # Granian closes without an answer


async def test_silent_connection_is_closed_after_the_header_timeout(server):
    # Under Granian's default `--http auto` such a socket stays open for good.
    reader, writer = await asyncio.open_connection(server.host, server.port)
    opened = time.monotonic()

    rest = await asyncio.wait_for(reader.read(), HEADER_TIMEOUT + SLACK)
    silent = time.monotonic() - opened
    writer.close()

    assert rest == b""
    assert HEADER_TIMEOUT - 1 <= silent < HEADER_TIMEOUT + SLACK


async def test_idle_keep_alive_connection_is_closed_after_the_header_timeout(server):
    reader, writer = await asyncio.open_connection(server.host, server.port)
    writer.write(get(server, "/health/live", close=False))
    head = await reader.readuntil(b"\r\n\r\n")
    idle_since = time.monotonic()

    rest = await asyncio.wait_for(reader.read(), HEADER_TIMEOUT + SLACK)
    idle = time.monotonic() - idle_since
    writer.close()

    assert head.startswith(b"HTTP/1.1 200 ")
    assert rest.endswith(b"}")  # the body, then the server closed
    assert HEADER_TIMEOUT - 1 <= idle < HEADER_TIMEOUT + SLACK


def test_request_line_over_the_header_cap_gets_431(server):
    answer = exchange(server, get(server, "/health/live?" + "a" * OVER_THE_CAP))

    assert answer.startswith(b"HTTP/1.1 431 Request Header Fields Too Large\r\n")
    assert b"connection: close" in answer.lower()


def test_headers_over_the_header_cap_get_431(server):
    cookies = [f"Cookie: c{n}={'x' * 1000}" for n in range(OVER_THE_CAP // 1000)]

    answer = exchange(server, get(server, "/health/live", *cookies))

    assert answer.startswith(b"HTTP/1.1 431 Request Header Fields Too Large\r\n")


def test_request_line_and_headers_under_the_cap_are_served(server):
    target = "/health/live?" + "a" * (MAX_HEADER_BYTES // 2)
    cookies = [f"Cookie: c{n}={'x' * 1000}" for n in range(MAX_HEADER_BYTES // 4000)]

    answer = exchange(server, get(server, target, *cookies))

    assert answer.startswith(b"HTTP/1.1 200 OK\r\n")


def test_http2_prior_knowledge_is_refused(server):
    # One HTTP/2 connection would carry many requests past the connection cap.
    answer = exchange(server, b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")

    assert answer == b""  # closed: no HTTP/2 SETTINGS frame, no HTTP/1 answer


@pytest.fixture(scope="module")
def three_slot_server(django_db_setup: None) -> Iterator[LiveServer]:
    env = {"WEB_MAX_CONNECTIONS": "3", "WEB_HEADER_TIMEOUT": "3"}
    with live_server(env=env) as running, running.log_on_failure():
        yield running


async def test_connections_past_the_cap_wait_until_a_slot_frees(three_slot_server):
    server = three_slot_server
    until = time.monotonic() + 3 + SLACK
    holders = asyncio.gather(
        *(
            trickle_headers(server.host, server.port, every=1, until=until)
            for _ in range(3)
        )
    )
    await asyncio.sleep(0.5)  # the three hold every slot, for 3 s from accept
    # The kernel accepts the fourth connection; Granian does not serve it yet.
    reader, writer = await asyncio.open_connection(server.host, server.port)
    writer.write(get(server, "/health/live"))
    answer = asyncio.ensure_future(reader.read())

    with pytest.raises(TimeoutError):
        await asyncio.wait_for(asyncio.shield(answer), 1.0)
    served = await asyncio.wait_for(answer, 3 + SLACK)
    writer.close()
    outcomes = await holders

    assert served.startswith(b"HTTP/1.1 200 OK\r\n")
    assert [o.lifetime is not None for o in outcomes] == [True] * 3
