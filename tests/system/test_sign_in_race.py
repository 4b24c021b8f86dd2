"""Concurrent sign-ins on a two-worker server: the limit holds exactly.

The issue's case: ten concurrent wrong passwords for one email were checked
eight times against a limit of five, because the old throttle counted
failures and then inserted one. The buckets are taken in Redis before any
password is checked, so across both processes exactly five are checked.
The server logs one line per checked password; that log is the count.
"""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from tests.factories.accounts import UserFactory
from tests.support.live_server import live_server

pytestmark = [
    pytest.mark.system,
    pytest.mark.slow,
    pytest.mark.postgres,
    pytest.mark.redis,
]

TOKEN_CREATE = """
mutation ($email: String!, $password: String!) {
  tokenCreate(email: $email, password: $password) { errors { code } }
}
"""


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker):
    # REDIS_URL and DATABASE_URL come from this process: both workers and
    # this test share the buckets and the rows.
    with django_db_blocker.unblock(), live_server(env={"WEB_WORKERS": "2"}) as running:
        yield running


async def _attempts(url: str, email: str, count: int) -> list[httpx.Response]:
    limits = httpx.Limits(max_connections=count)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:
        return await asyncio.gather(
            *(
                client.post(
                    "/graphql/",
                    json={
                        "query": TOKEN_CREATE,
                        "variables": {"email": email, "password": "wrong"},
                    },
                )
                for _ in range(count)
            )
        )


def _checked_passwords(log: str) -> list[dict[str, object]]:
    lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    return [line for line in lines if line["message"] == "sign-in password checked"]


def test_ten_concurrent_wrong_passwords_for_one_email_are_checked_five_times(
    transactional_db, server
):
    user = UserFactory.create()
    start = server.log_size()

    with server.log_on_failure():
        responses = asyncio.run(_attempts(server.url, user.email, 10))

    codes = sorted(
        response.json()["data"]["tokenCreate"]["errors"][0]["code"]
        for response in responses
    )
    assert codes == ["INVALID_CREDENTIALS"] * 5 + ["THROTTLED"] * 5
    checked = _checked_passwords(server.log(since=start))
    assert len(checked) == 5
    assert {line["user_id"] for line in checked} == {user.pk}
