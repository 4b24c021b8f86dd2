"""Django's CSRF check, for the requests that carry a session cookie."""

from __future__ import annotations

import logging

from asgiref.sync import sync_to_async
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseForbidden
from django.middleware.csrf import CsrfViewMiddleware

from schema.http.refusals import RequestRefused

logger = logging.getLogger("fashionistar.graphql")


class _CsrfCheck(CsrfViewMiddleware):
    """Django's CSRF middleware, raising its verdict instead of rendering it."""

    def _reject(self, request: HttpRequest, reason: str) -> HttpResponseForbidden:
        logger.warning("csrf check failed", extra={"reason": reason})
        raise RequestRefused(403, "CSRF_FAILED", f"CSRF check failed: {reason}")


def _csrf_protected(request: HttpRequest) -> HttpResponse:
    """Stand-in view for the CSRF check: not exempt."""
    return HttpResponse()


async def check_csrf(request: HttpRequest) -> None:
    """Run Django's CSRF check when the request carries the session cookie.

    A browser attaches that cookie to cross-site requests too, so such a request
    must prove it came from our own page (GraphiQL sends X-CSRFToken). Clients
    without the cookie have no ambient authority to abuse and skip the check.
    """
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return
    check = _CsrfCheck(_csrf_protected)
    # Sync: with CSRF_USE_SESSIONS the secret comes from the session store.
    await sync_to_async(check.process_request)(request)
    await sync_to_async(check.process_view)(request, _csrf_protected, (), {})
