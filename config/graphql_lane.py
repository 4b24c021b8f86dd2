"""A lane through the middleware stack for GraphQL requests without a session.

Django runs a synchronous middleware (every `MiddlewareMixin` one: security,
sessions, CSRF, auth, messages, clickjacking) under ASGI by sending each of its
hooks to a thread: two thread hops per middleware, 14 for this stack, about
2.5 ms of CPU on every request here, more than the rest of a small GraphQL
request (docs/benchmarks.md). Those hooks only need a thread when they may
touch the database, and for a request that carries no session cookie none of
them does: the session is never loaded or saved, the user is anonymous
without a query, CSRF and messages live in cookies.

So for exactly those requests to the GraphQL endpoint (API clients with a
bearer token or none, the anonymous storefront), this middleware calls the
same hooks of the same middleware instances inline, in Django's order,
around the view. Every other request, and any GraphQL request with a session
cookie (staff in GraphiQL), takes Django's own path. Placed right after the
natively async middleware (request log, CORS); everything after it must be a
plain `MiddlewareMixin`, which `__init__` checks.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.handlers.exception import response_for_exception
from django.http import HttpRequest, HttpResponseBase
from django.urls import resolve, reverse
from django.utils.deprecation import MiddlewareMixin
from django.utils.module_loading import import_string

Handler = Callable[[HttpRequest], Awaitable[HttpResponseBase]]


def _never_called(request: HttpRequest) -> HttpResponseBase:
    raise AssertionError("the lane calls the view itself")


def _inline_middleware(after: str) -> list[MiddlewareMixin]:
    """Instances of the middleware listed after `after` in MIDDLEWARE."""
    names = list(settings.MIDDLEWARE)
    found = []
    for name in names[names.index(after) + 1 :]:
        cls = import_string(name)
        if not issubclass(cls, MiddlewareMixin) or hasattr(cls, "process_exception"):
            raise ImproperlyConfigured(
                f"{name} cannot run inline in the GraphQL lane: it is not a "
                "plain MiddlewareMixin. Put it before the lane in MIDDLEWARE."
            )
        found.append(cls(_never_called))
    return found


class GraphQLLaneMiddleware:
    """Run the rest of the stack inline for session-less GraphQL requests."""

    sync_capable = False
    async_capable = True

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response
        markcoroutinefunction(self)
        self.middleware = _inline_middleware(f"{__name__}.{type(self).__name__}")
        self.view_hooks = [
            m.process_view for m in self.middleware if hasattr(m, "process_view")
        ]
        atomic = any(db.get("ATOMIC_REQUESTS") for db in settings.DATABASES.values())
        # ATOMIC_REQUESTS wraps views in a transaction: Django's path only.
        self.enabled = not atomic
        self._path: str | None = None

    def _takes(self, request: HttpRequest) -> bool:
        if self._path is None:
            self._path = reverse("graphql")
        return (
            self.enabled
            and request.path_info == self._path
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
        )

    async def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not self._takes(request):
            return await self.get_response(request)
        response: HttpResponseBase | None = None
        ran: list[MiddlewareMixin] = []
        for middleware in self.middleware:
            ran.append(middleware)
            hook = getattr(middleware, "process_request", None)
            response = hook(request) if hook is not None else None
            if response is not None:
                break
        if response is None:
            response = await self._view(request)
        for middleware in reversed(ran):
            hook = getattr(middleware, "process_response", None)
            if hook is not None:
                response = hook(request, response)
        return response

    async def _view(self, request: HttpRequest) -> HttpResponseBase:
        """Resolve and call the view as Django's handler does, hooks included."""
        match = resolve(request.path_info)
        request.resolver_match = match
        for hook in self.view_hooks:
            refused = hook(request, match.func, match.args, match.kwargs)
            if refused is not None:
                return refused  # type: ignore[no-any-return]
        view: Any = match.func
        assert iscoroutinefunction(view), "the GraphQL view is async"
        try:
            response: HttpResponseBase = await view(
                request, *match.args, **match.kwargs
            )
        except Exception as error:
            # The 500 (or 400 for a SuspiciousOperation) Django would answer,
            # then the middleware's response hooks as on Django's path.
            return response_for_exception(request, error)
        return response
