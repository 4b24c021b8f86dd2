"""JSON bodies for Django's own 404 and 500 pages: this is an API."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse


def error_body(message: str, code: str) -> dict[str, object]:
    """The GraphQL error shape every JSON error of this API uses."""
    return {"errors": [{"message": message, "extensions": {"code": code}}]}


NOT_FOUND_BODY = error_body("Not found.", "NOT_FOUND")


def _error(message: str, code: str, status: int) -> JsonResponse:
    return JsonResponse(error_body(message, code), status=status)


def not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    """Answer an unknown URL."""
    return JsonResponse(NOT_FOUND_BODY, status=404)


def server_error(request: HttpRequest) -> JsonResponse:
    """Answer an unhandled exception; Django has logged it with the request id."""
    return _error("Internal server error.", "INTERNAL_SERVER_ERROR", 500)
