"""Password hashing holds no database connection and never runs on the event loop.

The hasher below is a real one (Django's MD5 hasher, fast for tests) that
writes down, each time it hashes, which thread it runs on and how many of
the pool's connections are checked out at that moment (psycopg_pool's own
statistics). Issue 11: a hash used to run while the request held one of the
process's four connections, so a few sign-ins starved every other request.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.hashers import MD5PasswordHasher
from django.db import connection

from apps.accounts import passwords, services
from apps.accounts.errors import InvalidCredentialsError
from apps.accounts.models import User
from tests.factories.accounts import PASSWORD, UserFactory

ADDRESS = "198.51.100.7"
RECORDING = "tests.apps.accounts.test_password_hashing.RecordingHasher"


@dataclass(frozen=True)
class Observation:
    thread: str
    checked_out: int | None  # None without a pool (SQLite)


OBSERVED: list[Observation] = []


class RecordingHasher(MD5PasswordHasher):
    """MD5, recording where and beside how many busy connections it hashes."""

    def encode(self, password: str, salt: str) -> str:
        pool = getattr(connection, "pool", None)
        stats = pool.get_stats() if pool is not None else None
        OBSERVED.append(
            Observation(
                thread=threading.current_thread().name,
                checked_out=(
                    stats["pool_size"] - stats["pool_available"]
                    if stats is not None
                    else None
                ),
            )
        )
        return super().encode(password, salt)


@pytest.fixture
def recording(settings):
    settings.PASSWORD_HASHERS = [RECORDING]
    OBSERVED.clear()
    yield OBSERVED
    OBSERVED.clear()


@pytest.fixture
def user(transactional_db, recording) -> User:
    user = UserFactory.create()
    # The test's own thread gives its connection back, so only the sign-in's
    # connections can be checked out while the hash runs.
    connection.close()
    recording.clear()
    return user


@pytest.fixture
async def released():
    """Close, after an async test, the connection its sync steps left open.

    They run on asgiref's one shared thread; a server closes it when the
    request finishes, a test must do so itself.
    """
    yield
    await sync_to_async(passwords.connection_release)()


@pytest.mark.postgres
async def test_token_create_hashes_with_no_connection_checked_out(
    released, user, recording
):
    pair = await services.atoken_create(
        email=user.email, password=PASSWORD, client_address=ADDRESS
    )

    assert pair.user_id == user.pk
    assert [seen.checked_out for seen in recording] == [0]


@pytest.mark.postgres
async def test_a_wrong_password_is_hashed_with_no_connection_checked_out(
    released, user, recording
):
    with pytest.raises(InvalidCredentialsError):
        await services.asign_in(
            email=user.email, password="wrong", client_address=ADDRESS
        )

    assert [seen.checked_out for seen in recording] == [0]


@pytest.mark.postgres
async def test_an_unknown_email_is_hashed_with_no_connection_checked_out(
    released, user, recording
):
    with pytest.raises(InvalidCredentialsError):
        await services.asign_in(
            email="nobody@example.com", password=PASSWORD, client_address=ADDRESS
        )

    assert [seen.checked_out for seen in recording] == [0]


@pytest.mark.postgres
async def test_registration_hashes_with_no_connection_checked_out(
    released, user, recording
):
    created = await services.aaccount_register(
        email="new@example.com",
        password="a long enough passphrase",
        client_address=ADDRESS,
        idempotency_key="first",
    )

    assert await User.objects.filter(pk=created.pk).aexists()
    assert [seen.checked_out for seen in recording] == [0]


@pytest.mark.postgres
def test_the_admin_sign_in_hashes_with_no_connection_checked_out(user, recording):
    signed_in = services.sign_in(
        email=user.email, password=PASSWORD, client_address=ADDRESS
    )

    assert signed_in == user
    assert [seen.checked_out for seen in recording] == [0]


async def test_the_hash_runs_in_the_hash_pool_not_on_the_event_loop(
    released, user, recording
):
    await services.atoken_create(
        email=user.email, password=PASSWORD, client_address=ADDRESS
    )

    assert threading.current_thread().name != recording[0].thread
    assert recording[0].thread.startswith("password-hash")


async def test_a_signed_in_password_of_an_old_hasher_is_rehashed(
    released, user, recording, settings
):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.ScryptPasswordHasher",
        RECORDING,
    ]

    await services.atoken_create(
        email=user.email, password=PASSWORD, client_address=ADDRESS
    )

    await sync_to_async(user.refresh_from_db)()
    assert user.password.startswith("scrypt$")
