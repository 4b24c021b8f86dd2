"""An image upload to /graphql/ may exceed the JSON body cap, up to the image cap."""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

import pytest

from config.body_limit import BodyLimits

MULTIPART = (b"content-type", b"multipart/form-data; boundary=x")


async def _run(path: str, headers: list[tuple[bytes, bytes]], size: int) -> int:
    seen: list[int] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.append(200)

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"x" * size, "more_body": False}

    sent: list[MutableMapping[str, Any]] = []

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": path, "headers": headers}
    await BodyLimits(app, max_bytes=1000)(scope, receive, send)
    return seen[0] if seen else int(sent[0]["status"])


@pytest.mark.django_db
async def test_a_multipart_upload_to_graphql_passes_the_json_cap(settings):
    settings.MEDIA_UPLOAD_MAX_BYTES = 5000

    assert await _run("/graphql/", [MULTIPART], 4000) == 200


@pytest.mark.django_db
async def test_a_multipart_upload_over_the_image_cap_is_413(settings):
    settings.MEDIA_UPLOAD_MAX_BYTES = 5000

    assert await _run("/graphql/", [MULTIPART], 5000 + 65_536 + 1) == 413


@pytest.mark.django_db
async def test_json_and_other_paths_keep_the_json_cap(settings):
    settings.MEDIA_UPLOAD_MAX_BYTES = 5000

    assert (
        await _run("/graphql/", [(b"content-type", b"application/json")], 4000) == 413
    )
    assert await _run("/webhooks/stripe/", [MULTIPART], 4000) == 413
