"""Sign-in load does not starve the catalog: 100 sign-ins beside catalog reads.

Issue 11: the password hash (PBKDF2, about a second here) ran while the
request held one of the process's four pooled connections, so 40 concurrent
tokenCreates answered 36 times 503, and catalog queries sent meanwhile did
too. Now each hash runs in a thread pool sized to the cores with no
connection held (docs/decisions/0005-password-hashing-off-the-pool.md), and
gives its work slot back while it waits (docs/decisions/0006).
The server runs the production hasher (base settings), one worker, on
PostgreSQL and Redis.
"""

from __future__ import annotations

import asyncio
from collections import Counter

import httpx
import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from tests.factories.accounts import PASSWORD, UserFactory
from tests.support.live_server import live_server
from tests.support.sign_ins import sign_in_mix

pytestmark = [
    pytest.mark.system,
    pytest.mark.slow,
    pytest.mark.postgres,
    pytest.mark.redis,
]

SIGN_INS = 100
# Enough accounts that no email passes its own bucket (10 per 15 min).
USERS = 20
CATALOG_READS = 20

TOKEN_CREATE = """
mutation ($email: String!, $password: String!) {
  tokenCreate(email: $email, password: $password) { errors { code } }
}
"""
PRODUCTS = "{ products(first: 5) { edges { node { name } } } }"


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker):
    env = {
        # Base settings: the production password hasher, not the tests' MD5.
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "WEB_WORKERS": "1",
        # Each request names its own address, so no sign-in bucket refuses.
        "AUTH_TRUSTED_PROXY_HOPS": "1",
    }
    with django_db_blocker.unblock(), live_server(env=env) as running:
        yield running


async def _load(url: str, attempts: list[tuple[str, str]]):
    limits = httpx.Limits(max_connections=SIGN_INS + CATALOG_READS)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as client:

        async def sign_in(n: int, email: str, password: str) -> httpx.Response:
            return await client.post(
                "/graphql/",
                json={
                    "query": TOKEN_CREATE,
                    "variables": {"email": email, "password": password},
                },
                headers={"X-Forwarded-For": f"203.0.113.{n + 1}"},
            )

        async def catalog_read(n: int) -> httpx.Response:
            # Spread over the time the sign-ins queue for the hash pool.
            await asyncio.sleep(n * 0.5)
            return await client.post(
                "/graphql/",
                json={"query": PRODUCTS},
                headers={"X-Forwarded-For": f"198.51.100.{n + 1}"},
            )

        sign_ins = [sign_in(n, *attempt) for n, attempt in enumerate(attempts)]
        reads = [catalog_read(n) for n in range(CATALOG_READS)]
        responses = await asyncio.gather(*sign_ins, *reads)
    return responses[:SIGN_INS], responses[SIGN_INS:]


def test_a_hundred_concurrent_sign_ins_beside_catalog_reads_all_answer(
    transactional_db, server
):
    # One PBKDF2 hash for every user: the server checks it at full cost.
    encoded = PBKDF2PasswordHasher().encode(PASSWORD, "loadtestsalt")
    users = [UserFactory.create(password=None) for _ in range(USERS)]
    for user in users:
        user.password = encoded
        user.save(update_fields=["password"])
    attempts = sign_in_mix(SIGN_INS, [user.email for user in users], PASSWORD)

    with server.log_on_failure():
        sign_ins, reads = asyncio.run(_load(server.url, attempts))

    statuses = {
        "sign-in": Counter(r.status_code for r in sign_ins),
        "catalog": Counter(r.status_code for r in reads),
    }
    assert statuses == {
        "sign-in": {200: SIGN_INS},
        "catalog": {200: CATALOG_READS},
    }
    codes = [
        (r.json()["data"]["tokenCreate"]["errors"] or [{"code": None}])[0]["code"]
        for r in sign_ins
    ]
    assert Counter(codes) == {None: SIGN_INS // 2, "INVALID_CREDENTIALS": SIGN_INS // 2}
    assert all("errors" not in r.json() for r in reads)
