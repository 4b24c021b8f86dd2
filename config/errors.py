"""JSON bodies for Django's own 404 and 500 pages: this is an API."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse


def _error(message: str, code: str, status: int) -> JsonResponse:
    body = {"errors": [{"message": message, "extensions": {"code": code}}]}
    return JsonResponse(body, status=status)


def not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    """Answer an unknown URL."""
    return _error("Not found.", "NOT_FOUND", 404)


def server_error(request: HttpRequest) -> JsonResponse:
    """Answer an unhandled exception; Django has logged it with the request id."""
    return _error("Internal server error.", "INTERNAL_SERVER_ERROR", 500)
