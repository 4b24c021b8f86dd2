"""PostgreSQL goes down and comes back under the real server.

A private PostgreSQL (tests/support/postgres.py), never the shared one: while
it is stopped GraphQL answers 503 fast, the readiness probe fails and the
liveness probe does not; once it is back the pool reconnects on its own and
the same server answers 200 again.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import httpx
import pytest
import schemathesis

from apps.payments.models import Provider
from apps.payments.providers.simulated import signed
from config.env import DEV_STRIPE_WEBHOOK_SECRET
from tests.support.graphql import without_cost
from tests.support.live_server import ROOT, live_server
from tests.support.postgres import available, private_postgres

pytestmark = [
    pytest.mark.system,
    pytest.mark.slow,
    pytest.mark.skipif(available() is not None, reason=str(available())),
]

QUERY = {"query": "{ products(first: 2) { totalCount } }"}
UNAVAILABLE = {
    "errors": [
        {
            "message": "The service is temporarily unavailable; retry shortly.",
            "extensions": {"code": "SERVICE_UNAVAILABLE"},
        }
    ]
}


def manage(*args: str, database_url: str) -> None:
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
    }
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        check=True,
        capture_output=True,
        timeout=120,
    )


def post_query(url: str) -> httpx.Response:
    return httpx.post(
        f"{url}/graphql/",
        json=QUERY,
        headers={"Accept": "application/json"},
        timeout=15,
    )


def test_graphql_answers_503_while_postgres_is_down_and_recovers_when_it_is_back():
    with private_postgres() as postgres:
        database_url = postgres.create_database("outage")
        manage("migrate", "--no-input", database_url=database_url)
        manage(
            "seed_demo", "--products", "5", "--no-progress", database_url=database_url
        )
        environment = {"DATABASE_URL": database_url, "DB_POOL_TIMEOUT": "1"}
        with live_server(env=environment) as server, server.log_on_failure():
            before = post_query(server.url)
            assert before.status_code == 200, before.text
            assert without_cost(before.json()) == {
                "data": {"products": {"totalCount": 5}}
            }

            postgres.stop()
            started = time.monotonic()
            down = post_query(server.url)
            elapsed = time.monotonic() - started

            assert down.status_code == 503, down.text
            assert without_cost(down.json()) == UNAVAILABLE
            assert down.headers["Retry-After"].isdigit()
            assert down.headers["Content-Type"].startswith("application/json")
            assert elapsed < 3, f"503 took {elapsed:.1f} s"
            ready = httpx.get(f"{server.url}/health/ready", timeout=10)
            live = httpx.get(f"{server.url}/health/live", timeout=10)
            assert (ready.status_code, live.status_code) == (503, 200)

            postgres.start()
            deadline = time.monotonic() + 15
            answers = []
            while time.monotonic() < deadline:
                after = post_query(server.url)
                answers.append(after.status_code)
                if after.status_code == 200:
                    break
                assert after.status_code == 503, after.text
                time.sleep(0.5)
            assert answers[-1] == 200, answers
            assert without_cost(after.json()) == {
                "data": {"products": {"totalCount": 5}}
            }
            assert "Traceback" not in server.log()


def _signed_capture() -> tuple[bytes, dict[str, str]]:
    body = json.dumps(
        {
            "id": "evt_outage_1",
            "type": "payment_intent.succeeded",
            "data": {
                "object": {"id": "pi_outage", "amount_received": 100, "currency": "usd"}
            },
        }
    )
    return signed(Provider.STRIPE, body, secret=DEV_STRIPE_WEBHOOK_SECRET)


def test_a_webhook_gets_503_not_2xx_while_postgres_is_down_then_is_stored():
    with private_postgres() as postgres:
        database_url = postgres.create_database("outage_webhooks")
        manage("migrate", "--no-input", database_url=database_url)
        environment = {"DATABASE_URL": database_url, "DB_POOL_TIMEOUT": "1"}
        body, headers = _signed_capture()
        url_headers = {**headers, "Content-Type": "application/json"}
        with live_server(env=environment) as server, server.log_on_failure():
            document = schemathesis.openapi.from_url(f"{server.url}/openapi.json")
            postgres.stop()
            down = httpx.post(
                f"{server.url}/webhooks/stripe/",
                content=body,
                headers=url_headers,
                timeout=15,
            )
            assert down.status_code == 503, down.text
            assert down.headers["Retry-After"].isdigit()
            assert down.json()["error"]["code"] == "SERVICE_UNAVAILABLE"
            document["/webhooks/stripe/"]["POST"].validate_response(down)

            postgres.start()
            deadline = time.monotonic() + 15
            while True:  # the provider's retry, once the database is back
                again = httpx.post(
                    f"{server.url}/webhooks/stripe/",
                    content=body,
                    headers=url_headers,
                    timeout=15,
                )
                if again.status_code != 503 or time.monotonic() > deadline:
                    break
                time.sleep(0.5)
            assert again.status_code == 200, again.text
            assert again.json() == {"status": "accepted", "event_id": "evt_outage_1"}
            assert "Traceback" not in server.log()
