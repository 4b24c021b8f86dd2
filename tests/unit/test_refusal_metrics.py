"""Requests answered before Django are counted by why: here, a body over the cap."""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

import pytest
from asgiref.sync import sync_to_async

from config.body_limit import BodyLimits
from tests.support.metrics import sample


async def _never(scope: Any, receive: Any, send: Any) -> None:
    raise AssertionError("the app must not see an oversized body")


@pytest.mark.django_db  # a scrape also runs the queue collector's query
async def test_a_body_over_the_cap_is_counted_as_payload_too_large():
    # Collecting may run the queue collector's query: off the event loop.
    before = await sync_to_async(sample)(
        "fashionistar_http_requests_refused_total", reason="payload_too_large"
    )
    sent: list[MutableMapping[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"x" * 11, "more_body": False}

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/graphql/", "headers": []}
    await BodyLimits(_never, max_bytes=10)(scope, receive, send)

    assert sent[0]["status"] == 413
    after = await sync_to_async(sample)(
        "fashionistar_http_requests_refused_total", reason="payload_too_large"
    )
    assert after == before + 1
