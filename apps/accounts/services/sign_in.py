"""Sign-in: the one place passwords are checked, behind the sign-in buckets.

A sign-in runs in three steps so that no database connection is held while
the password hash runs: look the user up and take the buckets; check the
password in the hash pool (apps.accounts.passwords); record the outcome
(docs/decisions/0005-password-hashing-off-the-pool.md). `sign_in` runs them
in one thread; `asign_in` runs the database steps in threads and awaits the
hash.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from asgiref.sync import sync_to_async
from django.db import transaction
from django.utils import timezone

from apps.accounts import passwords, selectors, throttles
from apps.accounts.errors import InvalidCredentialsError
from apps.accounts.models import KnownSignInAddress, TokenFamily, User
from apps.accounts.services.token_families import TokenPair, pair_issue

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class _Attempt:
    """A counted sign-in attempt whose password is not checked yet."""

    user: User | None
    client_address: str
    now: datetime

    @property
    def encoded(self) -> str | None:
        return self.user.password if self.user is not None else None


def sign_in(
    *, email: str, password: str, client_address: str, now: datetime | None = None
) -> User:
    """Check an email and password; return the user they belong to.

    The attempt is counted against the sign-in buckets before the password is
    checked, right or wrong (throttles.sign_in_attempt_take), and each check
    is logged for security auditing. An unknown email is counted and hashed
    like a known one, so neither the answer nor its timing tells it apart.
    The one entry point for passwords: tokenCreate and the admin login. The
    hash runs with this thread's connection back in the pool.

    Raises:
        LoginThrottledError: THROTTLED; the password was not checked.
        InvalidCredentialsError: INVALID_CREDENTIALS, for an unknown email, a
            wrong password and an inactive account alike.
    """
    attempt = _attempt_count(email=email, client_address=client_address, now=now)
    verdict = passwords.password_verify(password=password, encoded=attempt.encoded)
    return _attempt_close(attempt, verdict)


async def asign_in(
    *, email: str, password: str, client_address: str, now: datetime | None = None
) -> User:
    """Async `sign_in`: the hash runs in the hash pool, no connection held."""
    attempt = await sync_to_async(_attempt_count_released)(
        email=email, client_address=client_address, now=now
    )
    verdict = await passwords.apassword_verify(
        password=password, encoded=attempt.encoded
    )
    return await sync_to_async(_attempt_close)(attempt, verdict)


def _attempt_count(
    *, email: str, client_address: str, now: datetime | None
) -> _Attempt:
    """Look up who `email` names and count the attempt, or refuse it."""
    now = now or timezone.now()
    email = selectors.email_normalize(email)
    user, known = selectors.sign_in_candidate(
        email=email, address=client_address, now=now
    )
    throttles.sign_in_attempt_take(
        email=email, address=client_address, known_address=known
    )
    return _Attempt(user=user, client_address=client_address, now=now)


def _attempt_count_released(
    *, email: str, client_address: str, now: datetime | None
) -> _Attempt:
    try:
        return _attempt_count(email=email, client_address=client_address, now=now)
    finally:
        passwords.connection_release()


def _attempt_close(attempt: _Attempt, verdict: passwords.Verdict) -> User:
    """Log the checked password; return the user or raise INVALID_CREDENTIALS."""
    user = attempt.user
    valid = user is not None and verdict.valid and user.is_active
    # One line per checked password, the audit trail of guessing. The typed
    # email is left out: people type passwords into the email field.
    logger.info(
        "sign-in password checked",
        extra={
            "outcome": "success" if valid else "failure",
            "user_id": user.pk if user is not None else None,
            "client_address": attempt.client_address,
        },
    )
    if user is None or not valid:
        raise InvalidCredentialsError
    if verdict.rehashed is not None:  # the hasher or its work factor changed
        user.password = verdict.rehashed
        user.save(update_fields=["password"])
    if selectors.is_ip_address(attempt.client_address):
        KnownSignInAddress.objects.bulk_create(
            [
                KnownSignInAddress(
                    user=user,
                    address=attempt.client_address,
                    last_signed_in_at=attempt.now,
                )
            ],
            update_conflicts=True,
            unique_fields=["user", "address"],
            update_fields=["last_signed_in_at"],
        )
    return user


def token_create(
    *, email: str, password: str, client_address: str, now: datetime | None = None
) -> TokenPair:
    """Sign in with email and password; return a new token family's first pair.

    Raises:
        LoginThrottledError: THROTTLED (see `sign_in`).
        InvalidCredentialsError: INVALID_CREDENTIALS.
    """
    now = now or timezone.now()
    user = sign_in(
        email=email, password=password, client_address=client_address, now=now
    )
    return _pair_first(user=user, now=now)


async def atoken_create(
    *, email: str, password: str, client_address: str, now: datetime | None = None
) -> TokenPair:
    """Async `token_create`: no connection is held while the password is hashed."""
    now = now or timezone.now()
    user = await asign_in(
        email=email, password=password, client_address=client_address, now=now
    )
    return await sync_to_async(_pair_first)(user=user, now=now)


@transaction.atomic
def _pair_first(*, user: User, now: datetime) -> TokenPair:
    """Record the sign-in and open a token family with its first pair."""
    user.last_login = now
    user.save(update_fields=["last_login"])
    family = TokenFamily.objects.create(user=user, created_at=now)
    return pair_issue(family=family, now=now)
