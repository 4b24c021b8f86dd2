"""Sign-in and registration rate limits: buckets of apps.core.ratelimit.

Their numbers are settings (config/settings/auth.py); the buckets are built
at call time so a changed setting applies at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings

from apps.accounts.errors import (
    LoginThrottledError,
    PasswordResetThrottledError,
    RegistrationThrottledError,
    VerificationResendThrottledError,
)
from apps.core import ratelimit
from apps.core.ratelimit import Bucket


def sign_in_attempt_take(*, email: str, address: str, known_address: bool) -> None:
    """Count one sign-in attempt against every bucket it belongs to, or refuse it.

    Runs before the password is checked, so concurrent attempts cannot all
    pass a check made before any of them counted. Each take is atomic; when a
    bucket refuses, the units already taken are given back, so a refused
    attempt spends nothing (an attacker refused on its own address does not
    drain the account's bucket).

    Args:
        email: Normalised, as typed: unknown emails are limited alike.
        address: The client's IP address.
        known_address: The owner signed in from `address` recently; such an
            attempt skips the per-account bucket.

    Raises:
        LoginThrottledError: THROTTLED, with the refusing bucket's wait.
    """
    window: timedelta = settings.AUTH_LOGIN_THROTTLE_WINDOW
    seconds = window.total_seconds()
    takes = [
        (
            Bucket.per(
                "sign-in:address", settings.AUTH_LOGIN_ATTEMPTS_PER_ADDRESS, seconds
            ),
            address,
        ),
        (
            Bucket.per(
                "sign-in:account-address",
                settings.AUTH_LOGIN_ATTEMPTS_PER_ACCOUNT_AND_ADDRESS,
                seconds,
            ),
            f"{email}\n{address}",
        ),
    ]
    if not known_address:
        takes.append(
            (
                Bucket.per(
                    "sign-in:account", settings.AUTH_LOGIN_ATTEMPTS_PER_ACCOUNT, seconds
                ),
                email,
            )
        )
    if (wait := _take_all(takes)) is not None:
        raise LoginThrottledError(retry_after_seconds=wait)


def _take_all(takes: Sequence[tuple[Bucket, str]]) -> int | None:
    """Take one from every bucket, or from none: the seconds to wait, or None."""
    taken: list[tuple[Bucket, str]] = []
    for bucket, key in takes:
        level = ratelimit.take(bucket, key)
        if not level.allowed:
            for spent, spent_key in taken:
                ratelimit.refund(spent, spent_key, 1)
            return level.retry_after_seconds
        taken.append((bucket, key))
    return None


def registration_take(*, address: str) -> None:
    """Count one registration attempt from `address`, or refuse it.

    Raises:
        RegistrationThrottledError: THROTTLED, with the wait.
    """
    window: timedelta = settings.AUTH_REGISTRATION_WINDOW
    bucket = Bucket.per(
        "register:address",
        settings.AUTH_REGISTRATIONS_PER_ADDRESS,
        window.total_seconds(),
    )
    level = ratelimit.take(bucket, address)
    if not level.allowed:
        raise RegistrationThrottledError(retry_after_seconds=level.retry_after_seconds)


def password_reset_take(*, email: str, address: str) -> None:
    """Count one password reset request for `email` from `address`, or refuse it.

    Both buckets are taken whether or not an account has the email, so the
    answer says nothing about which emails exist.

    Raises:
        PasswordResetThrottledError: THROTTLED, with the wait.
    """
    window: timedelta = settings.AUTH_PASSWORD_RESET_WINDOW
    takes = (
        (
            Bucket.per(
                "reset:address",
                settings.AUTH_PASSWORD_RESETS_PER_ADDRESS,
                window.total_seconds(),
            ),
            address,
        ),
        (
            Bucket.per(
                "reset:email",
                settings.AUTH_PASSWORD_RESETS_PER_EMAIL,
                window.total_seconds(),
            ),
            email,
        ),
    )
    if (wait := _take_all(takes)) is not None:
        raise PasswordResetThrottledError(retry_after_seconds=wait)


def verification_resend_take(*, user_id: int) -> None:
    """Count one verification email asked for by user `user_id`, or refuse it.

    Raises:
        VerificationResendThrottledError: THROTTLED, with the wait.
    """
    window: timedelta = settings.AUTH_VERIFICATION_RESEND_WINDOW
    bucket = Bucket.per(
        "verify:resend",
        settings.AUTH_VERIFICATION_RESENDS_PER_ACCOUNT,
        window.total_seconds(),
    )
    if (wait := _take_all([(bucket, str(user_id))])) is not None:
        raise VerificationResendThrottledError(retry_after_seconds=wait)
