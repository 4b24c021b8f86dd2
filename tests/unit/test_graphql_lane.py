"""The GraphQL lane: session-less GraphQL requests run the middleware inline."""

from __future__ import annotations

import threading
from typing import Any, ClassVar

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.test import AsyncClient
from django.utils.deprecation import MiddlewareMixin

from config.graphql_lane import GraphQLLaneMiddleware

LANE = "config.graphql_lane.GraphQLLaneMiddleware"
TYPENAME = {"query": "{ __typename }"}


class ThreadRecorder(MiddlewareMixin):
    """Notes which thread ran its hooks: the lane's or one of Django's."""

    threads: ClassVar[list[int]] = []

    def process_request(self, request: HttpRequest) -> None:
        ThreadRecorder.threads.append(threading.get_ident())

    def process_response(
        self, request: HttpRequest, response: HttpResponse
    ) -> HttpResponse:
        response["X-Recorded"] = "yes"
        return response


class Refuses:
    """Not a MiddlewareMixin: cannot run inline."""

    def __init__(self, get_response: object) -> None:
        self.get_response = get_response


@pytest.fixture
def recorded(settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, f"{__name__}.ThreadRecorder"]
    ThreadRecorder.threads = []
    return ThreadRecorder.threads


async def post(client: AsyncClient, **headers: str) -> Any:
    return await client.post(
        "/graphql/", TYPENAME, content_type="application/json", headers=headers
    )


@pytest.mark.asyncio
async def test_a_sessionless_graphql_request_runs_the_hooks_on_the_event_loop(
    recorded,
):
    response = await post(AsyncClient())

    assert response.status_code == 200
    assert response["X-Recorded"] == "yes"
    assert recorded == [threading.get_ident()]


@pytest.mark.asyncio
async def test_a_request_with_a_session_cookie_takes_djangos_path(recorded, settings):
    client = AsyncClient()
    client.cookies[settings.SESSION_COOKIE_NAME] = "not-a-session"

    response = await post(client)

    assert response.status_code == 200
    assert recorded
    assert recorded != [threading.get_ident()]


@pytest.mark.asyncio
async def test_other_paths_take_djangos_path(recorded):
    response = await AsyncClient().get("/health/live")

    assert response.status_code == 200
    assert recorded
    assert recorded != [threading.get_ident()]


@pytest.mark.asyncio
async def test_the_lane_answers_with_the_headers_djangos_path_adds(monkeypatch):
    lane = await post(AsyncClient(), Origin="http://localhost:3000")
    monkeypatch.setattr(GraphQLLaneMiddleware, "_takes", lambda self, request: False)
    django_path = await post(AsyncClient(), Origin="http://localhost:3000")

    varying = {"X-Request-ID"}
    assert {k: v for k, v in lane.items() if k not in varying} == {
        k: v for k, v in django_path.items() if k not in varying
    }
    assert lane.content == django_path.content
    assert lane["X-Content-Type-Options"] == "nosniff"
    assert lane["X-Frame-Options"] == "DENY"


@pytest.mark.asyncio
async def test_a_view_that_raises_gets_djangos_500_with_the_security_headers(
    monkeypatch,
):
    async def broken(*args: object, **kwargs: object) -> HttpResponse:
        raise RuntimeError("a bug")

    monkeypatch.setattr(
        "config.graphql_lane.resolve",
        lambda path: type("Match", (), {"func": broken, "args": (), "kwargs": {}})(),
    )

    response = await AsyncClient(raise_request_exception=False).post(
        "/graphql/", TYPENAME, content_type="application/json"
    )

    assert response.status_code == 500
    assert response["X-Content-Type-Options"] == "nosniff"


def test_middleware_that_cannot_run_inline_is_refused_at_start(settings):
    settings.MIDDLEWARE = [LANE, f"{__name__}.Refuses"]

    with pytest.raises(ImproperlyConfigured, match="Refuses"):
        GraphQLLaneMiddleware(lambda request: None)  # type: ignore[arg-type, return-value]


def test_atomic_requests_turn_the_lane_off(settings, monkeypatch):
    monkeypatch.setitem(settings.DATABASES["default"], "ATOMIC_REQUESTS", True)

    assert not GraphQLLaneMiddleware(lambda request: None).enabled  # type: ignore[arg-type, return-value]
