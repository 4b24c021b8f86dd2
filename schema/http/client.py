"""Who is calling, as far as the network can tell: the client's address."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """Return the caller's IP: REMOTE_ADDR, or X-Forwarded-For behind proxies.

    Only the last AUTH_TRUSTED_PROXY_HOPS entries of X-Forwarded-For were
    written by proxies we run; anything before them is the client's own claim.
    """
    hops: int = settings.AUTH_TRUSTED_PROXY_HOPS
    remote = str(request.META.get("REMOTE_ADDR") or "0.0.0.0")  # noqa: S104
    if hops <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in request.headers.get("X-Forwarded-For", "").split(",")
        if part.strip()
    ]
    # Each trusted proxy appends what it saw; the client is `hops` from the end.
    return forwarded[-hops] if len(forwarded) >= hops else remote
