"""Sign-in: the one place passwords are checked, behind the sign-in buckets."""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from apps.accounts import selectors, throttles
from apps.accounts.errors import InvalidCredentialsError
from apps.accounts.models import KnownSignInAddress, TokenFamily, User
from apps.accounts.services.token_families import TokenPair, pair_issue

logger = logging.getLogger(__name__)


def sign_in(
    *, email: str, password: str, client_address: str, now: datetime | None = None
) -> User:
    """Check an email and password; return the user they belong to.

    The attempt is counted against the sign-in buckets before the password is
    checked, right or wrong (throttles.sign_in_attempt_take), and each check
    is logged for security auditing. An unknown email is counted and hashed
    like a known one, so neither the answer nor its timing tells it apart.
    The one entry point for passwords: tokenCreate and the admin login.

    Raises:
        LoginThrottledError: THROTTLED; the password was not checked.
        InvalidCredentialsError: INVALID_CREDENTIALS, for an unknown email, a
            wrong password and an inactive account alike.
    """
    now = now or timezone.now()
    email = selectors.email_normalize(email)
    user, known = selectors.sign_in_candidate(
        email=email, address=client_address, now=now
    )
    throttles.sign_in_attempt_take(
        email=email, address=client_address, known_address=known
    )
    if user is None:
        # Hash anyway, so an unknown email takes as long as a wrong password.
        User().set_password(password)
    valid = user is not None and user.check_password(password) and user.is_active
    # One line per checked password, the audit trail of guessing. The typed
    # email is left out: people type passwords into the email field.
    logger.info(
        "sign-in password checked",
        extra={
            "outcome": "success" if valid else "failure",
            "user_id": user.pk if user is not None else None,
            "client_address": client_address,
        },
    )
    if user is None or not valid:
        raise InvalidCredentialsError
    if selectors.is_ip_address(client_address):
        KnownSignInAddress.objects.bulk_create(
            [
                KnownSignInAddress(
                    user=user, address=client_address, last_signed_in_at=now
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
    with transaction.atomic():
        user.last_login = now
        user.save(update_fields=["last_login"])
        family = TokenFamily.objects.create(user=user, created_at=now)
        return pair_issue(family=family, now=now)
