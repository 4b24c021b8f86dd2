"""Probes against the real server, including a database that is not there."""

from __future__ import annotations

import httpx
import pytest

from tests.support.live_server import free_port, live_server

pytestmark = [pytest.mark.system, pytest.mark.slow]


@pytest.mark.django_db
def test_ready_is_503_while_live_stays_200_when_the_database_is_unreachable():
    dead = f"postgres://postgres@127.0.0.1:{free_port()}/gone"

    with live_server(env={"DATABASE_URL": dead, "DB_POOL_TIMEOUT": "1"}) as server:
        live = httpx.get(f"{server.url}/health/live", timeout=10)
        ready = httpx.get(f"{server.url}/health/ready", timeout=10)

    assert live.status_code == 200
    assert ready.status_code == 503
    assert ready.headers["Retry-After"] == "5"
    body = ready.json()
    assert body["status"] == "fail"
    assert body["checks"]["database"]["status"] == "fail"
    assert body["checks"]["database"]["error"]
