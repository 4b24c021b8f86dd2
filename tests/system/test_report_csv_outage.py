"""The CSV download answers its documented 503 while PostgreSQL is down.

A private PostgreSQL (tests/support/postgres.py), as in test_database_outage.
"""

from __future__ import annotations

import httpx
import pytest

from tests.support.live_server import live_server
from tests.support.postgres import available, private_postgres
from tests.system.test_database_outage import manage
from tests.webhooks.test_report_csv_openapi import PATH, assert_documented

pytestmark = [
    pytest.mark.system,
    pytest.mark.slow,
    pytest.mark.skipif(available() is not None, reason=str(available())),
]


def test_the_csv_download_answers_a_documented_503_while_postgres_is_down():
    with private_postgres() as postgres:
        database_url = postgres.create_database("outage_reports")
        manage("migrate", "--no-input", database_url=database_url)
        environment = {"DATABASE_URL": database_url, "DB_POOL_TIMEOUT": "1"}
        with live_server(env=environment) as server, server.log_on_failure():
            document = httpx.get(f"{server.url}/openapi.json", timeout=10).json()
            operation = (document["paths"][PATH]["get"], document["components"])

            postgres.stop()
            # A well-formed access token: checking it needs the database.
            down = httpx.get(
                f"{server.url}/reports/snapshots/1.csv",
                headers={"Authorization": "Bearer fsa_" + "x" * 43},
                timeout=15,
            )

            assert down.status_code == 503, down.text
            assert down.headers["Retry-After"].isdigit()
            assert down.json()["error"]["code"] == "SERVICE_UNAVAILABLE"
            assert_documented(
                down.status_code, down.headers["Content-Type"], down.content, operation
            )
            assert "Traceback" not in server.log()
