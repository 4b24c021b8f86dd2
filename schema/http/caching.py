"""HTTP caching of GET queries: Cache-Control, a weak ETag, and 304.

A GET query (typically a persisted query's hash, docs/graphql.md) from a
caller without credentials, answered without errors, is the same for every
such caller: a CDN or browser may keep it for GRAPHQL_GET_MAX_AGE seconds,
which bounds how stale a cached `available` can be. Anything carrying
credentials is `private, no-store`; error responses are `no-store`.

The ETag is weak and covers `data` only: `extensions.cost` reports the
caller's own bucket, which changes on every request, while the data it
describes does not. If-None-Match with a matching tag gets 304 and no body.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.cache import patch_vary_headers

from schema.core import prebuilt


def has_credentials(request: HttpRequest) -> bool:
    """True when the response may depend on who asked: a token or a session."""
    return bool(
        request.headers.get("Authorization")
        or settings.SESSION_COOKIE_NAME in request.COOKIES
    )


def etag(body: Mapping[str, Any]) -> str:
    """Return a weak ETag of the response's `data`."""
    data = json.dumps(
        prebuilt.plain(body.get("data")), sort_keys=True, separators=(",", ":")
    )
    return 'W/"' + hashlib.sha256(data.encode()).hexdigest()[:32] + '"'


def apply(
    request: HttpRequest, response: HttpResponseBase, body: Mapping[str, Any] | None
) -> HttpResponseBase:
    """Set a GET query's caching headers; answer 304 when the client's copy is current."""
    patch_vary_headers(response, ("Authorization", "Cookie"))
    if has_credentials(request):
        response["Cache-Control"] = "private, no-store"
        return response
    cacheable = (
        body is not None
        and response.status_code == 200
        and "data" in body
        and not body.get("errors")
    )
    if not cacheable or body is None:
        response["Cache-Control"] = "no-store"
        return response
    max_age = int(settings.GRAPHQL_GET_MAX_AGE)
    response["Cache-Control"] = f"public, max-age={max_age}"
    tag = etag(body)
    response["ETag"] = tag
    if _matches(request.headers.get("If-None-Match"), tag):
        return _not_modified(response)
    return response


def _matches(header: str | None, tag: str) -> bool:
    """If-None-Match's weak comparison (RFC 9110 13.1.2): W/ is ignored."""
    if not header:
        return False
    if header.strip() == "*":
        return True
    wanted = tag.removeprefix("W/")
    return any(
        candidate.strip().removeprefix("W/") == wanted
        for candidate in header.split(",")
    )


def _not_modified(response: HttpResponseBase) -> HttpResponse:
    """304 with the validators and caching headers, no body (RFC 9110 15.4.5)."""
    not_modified = HttpResponse(status=304)
    for name in ("Cache-Control", "ETag", "Vary"):
        if name in response:
            not_modified[name] = response[name]
    return not_modified
