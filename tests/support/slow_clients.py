"""Slow HTTP clients on raw sockets, and a liveness prober, for one event loop.

An HTTP library would neither announce a body it never sends nor dribble its
headers, so these write bytes themselves. Each client reports when the server
closed it and what it answered; tests/system/test_slow_clients.py and
bench/slow_clients.py run hundreds of them against deploy/serve.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class Outcome:
    """What happened to one slow client: `lifetime` is None if still open."""

    connected: bool
    lifetime: float | None
    status: int | None
    answer: bytes


@dataclass(frozen=True, slots=True, kw_only=True)
class Probe:
    """One GET /health/live: `latency` is None if it failed or timed out."""

    at: float
    latency: float | None


def body_head(host: str, port: int, *, declared: int) -> bytes:
    """Return the head of a GraphQL POST announcing `declared` body bytes."""
    return (
        f"POST /graphql/ HTTP/1.1\r\nHost: {host}:{port}\r\n"
        "Content-Type: application/json\r\nAccept: application/json\r\n"
        f"Content-Length: {declared}\r\n\r\n"
    ).encode()


async def trickle_body(
    host: str, port: int, *, every: float, until: float, declared: int = 100_000
) -> Outcome:
    """Send a POST's headers, then one body byte every `every` s until closed."""
    return await _trickle(
        host,
        port,
        every=every,
        until=until,
        first=body_head(host, port, declared=declared),
        drip=lambda _: b" ",
    )


async def trickle_headers(
    host: str, port: int, *, every: float, until: float
) -> Outcome:
    """Send a request line, then one header line every `every` s, never ending."""
    first = f"GET /health/live HTTP/1.1\r\nHost: {host}:{port}\r\n".encode()
    return await _trickle(
        host,
        port,
        every=every,
        until=until,
        first=first,
        drip=lambda n: f"X-Slow-{n}: 1\r\n".encode(),
    )


async def _trickle(
    host: str,
    port: int,
    *,
    every: float,
    until: float,
    first: bytes,
    drip: Callable[[int], bytes],
) -> Outcome:
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), 10)
    except (OSError, TimeoutError):
        return Outcome(connected=False, lifetime=None, status=None, answer=b"")
    opened = time.monotonic()
    answer = b""
    closed_at: float | None = None
    try:
        writer.write(first)
        sent = 0
        while time.monotonic() < until:
            try:
                chunk = await asyncio.wait_for(reader.read(65536), every)
            except TimeoutError:
                sent += 1
                writer.write(drip(sent))
                await writer.drain()
                continue
            answer += chunk
            if not chunk:  # the server closed the connection
                closed_at = time.monotonic()
                break
    except ConnectionError:  # reset, or a broken pipe while dripping
        closed_at = time.monotonic()
    finally:
        writer.close()
    return Outcome(
        connected=True,
        lifetime=None if closed_at is None else closed_at - opened,
        status=_status(answer),
        answer=answer,
    )


def _status(answer: bytes) -> int | None:
    if not answer.startswith(b"HTTP/1.1 "):
        return None
    return int(answer.split(b" ", 2)[1])


async def probe_live(
    host: str, port: int, *, every: float, patience: float, until: float
) -> list[Probe]:
    """GET /health/live every `every` s until `until`; each may take `patience` s."""
    probes: list[Probe] = []
    request = (
        f"GET /health/live HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n"
    )
    while time.monotonic() < until:
        started = time.monotonic()
        latency: float | None = None
        try:
            async with asyncio.timeout(patience):
                if await _get(host, port, request.encode()) == 200:
                    latency = time.monotonic() - started
        except (OSError, TimeoutError):
            pass
        probes.append(Probe(at=started, latency=latency))
        await asyncio.sleep(max(0.0, started + every - time.monotonic()))
    return probes


async def _get(host: str, port: int, request: bytes) -> int | None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(request)
        return _status(await reader.read())
    finally:
        writer.close()
