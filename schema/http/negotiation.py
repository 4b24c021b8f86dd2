"""Media types: what a client accepts, and what it sends (spec "Accept", "POST")."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.http.request import MediaType

from schema.http.refusals import RequestRefused

JSON = "application/json"
GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
# Server preference when the client accepts both equally (`*/*`): plain JSON,
# which legacy clients and graphql-http's audit 47DE expect.
RESPONSE_TYPES = (JSON, GRAPHQL_RESPONSE_JSON)
UTF8 = frozenset({"utf-8", "utf8"})


def _media_ranges(accept: str) -> list[MediaType]:
    return [MediaType(token) for token in accept.split(",") if token.strip()]


def negotiate(accept: str | None) -> str | None:
    """Return the response media type for an Accept header, None if none fits.

    Each type takes the quality of the most specific range that covers it
    (RFC 9110 §12.5.1), ties go to the range listed first, then to plain JSON.
    A missing Accept means application/json (spec "Legacy watershed"; audit
    80D8 still asserts it).
    """
    if not accept or not accept.strip():
        return JSON
    ranges = _media_ranges(accept)
    best: tuple[float, int, int] | None = None
    chosen = None
    for preference, media_type in enumerate(RESPONSE_TYPES):
        main, sub = media_type.split("/")
        matches = [
            (_specificity(media_range), -position, media_range)
            for position, media_range in enumerate(ranges)
            if _covers(media_range, main, sub)
        ]
        if not matches:
            continue
        _, negative_position, media_range = max(matches, key=lambda m: m[:2])
        rank = (media_range.quality, negative_position, -preference)
        if media_range.quality > 0 and (best is None or rank > best):
            best, chosen = rank, media_type
    return chosen


def accepts_html(accept: str | None) -> bool:
    """True when Accept names text/html itself (browsers), not just `*/*`."""
    return any(
        media_range.main_type == "text"
        and media_range.sub_type == "html"
        and media_range.quality > 0
        for media_range in _media_ranges(accept or "")
    )


def _covers(media_range: MediaType, main: str, sub: str) -> bool:
    # django-stubs types params as bytes; Django parses them to str.
    charset: object = media_range.params.get("charset")
    if isinstance(charset, str) and charset.lower() not in UTF8:
        return False
    if media_range.main_type == "*":
        return media_range.sub_type == "*"
    return media_range.main_type == main and media_range.sub_type in ("*", sub)


def _specificity(media_range: MediaType) -> int:
    if media_range.main_type == "*":
        return 0
    return 1 if media_range.sub_type == "*" else 2


MULTIPART = "multipart/form-data"


def is_multipart(request: Any) -> bool:
    """Whether a POST follows the GraphQL multipart request spec (file uploads)."""
    # Django's request gives the bare type; strawberry's adapter the whole header.
    media_type = str(request.content_type or "").split(";", 1)[0].strip().lower()
    return bool(request.method == "POST" and media_type == MULTIPART)


def check_content_type(request: HttpRequest, *, multipart: bool = False) -> None:
    """Accept JSON in UTF-8 (spec "POST"), and multipart uploads; else 415."""
    if multipart:
        return
    charset = (request.content_params or {}).get("charset", "utf-8")
    if request.content_type != JSON or charset.lower() not in UTF8:
        supplied = request.headers.get("Content-Type") or "none"
        raise RequestRefused(
            415,
            "UNSUPPORTED_MEDIA_TYPE",
            f"POST bodies must be {JSON} in UTF-8; Content-Type was {supplied}.",
            headers={"Accept-Post": f"{JSON}; charset=utf-8"},
        )
