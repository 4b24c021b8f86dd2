"""Account reads: users by email, bearer-token users, the sign-in throttle."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models.functions import Lower
from django.utils import timezone

from apps.accounts import tokens
from apps.accounts.errors import AccountErrorCode, TokenError
from apps.accounts.models import ApiToken, LoginFailure, User


def email_normalize(email: str) -> str:
    """Return `email` stripped and lower-cased, the form accounts are keyed by."""
    return email.strip().lower()


def user_by_email(*, email: str) -> User | None:
    """Return the user with `email` in any case, or None.

    Compares Lower(email), which the case-insensitive unique index covers.
    """
    return (
        User.objects.alias(email_lower=Lower("email"))
        .filter(email_lower=email_normalize(email))
        .first()
    )


def login_retry_after(*, email: str, address: str, now: datetime) -> int | None:
    """Return seconds until sign-in may be tried again, or None if it may now.

    Counts recorded failures inside the window, per (email, address) and per
    address; the wait lasts until enough of them leave the window.
    """
    window: timedelta = settings.AUTH_LOGIN_THROTTLE_WINDOW
    recent = LoginFailure.objects.filter(address=address, created_at__gt=now - window)
    limits = (
        (
            recent.filter(email=email),
            settings.AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS,
        ),
        (recent, settings.AUTH_LOGIN_MAX_FAILURES_PER_ADDRESS),
    )
    waits = []
    for failures, limit in limits:
        times = list(
            failures.order_by("-created_at").values_list("created_at", flat=True)[
                :limit
            ]
        )
        if len(times) >= limit:
            # Free again once the limit-th most recent failure leaves the window.
            waits.append(times[-1] + window - now)
    if not waits:
        return None
    return max(1, int(max(waits).total_seconds() + 0.999))


async def auser_for_bearer_credentials(*, credentials: str) -> User:
    """Return the user of `Bearer <access token>` credentials, in one query.

    Takes the Authorization header's value as a string (RFC 6750's form), so
    each interface reads the header its own way and the rule stays here once.

    Raises:
        TokenError: INVALID_TOKEN (another scheme, no token, or what
            `auser_for_access_token` refuses), TOKEN_EXPIRED.
    """
    scheme, _, token = credentials.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise TokenError(
            AccountErrorCode.INVALID_TOKEN,
            "The Authorization header must be `Bearer <access token>`.",
        )
    return await auser_for_access_token(token=token.strip())


async def auser_for_access_token(*, token: str, now: datetime | None = None) -> User:
    """Return the active user an access token belongs to, in one query.

    Raises:
        TokenError: INVALID_TOKEN (unknown, revoked, a refresh token, or an
            inactive user), TOKEN_EXPIRED.
    """
    now = now or timezone.now()
    invalid = TokenError(
        AccountErrorCode.INVALID_TOKEN, "The access token is not valid."
    )
    if tokens.token_kind(token) != ApiToken.Kind.ACCESS:
        raise invalid
    found = (
        await ApiToken.objects.select_related("family__user")
        .filter(digest=tokens.token_digest(token), kind=ApiToken.Kind.ACCESS)
        .afirst()
    )
    if (
        found is None
        or not tokens.digests_match(token, found.digest)
        or found.family.revoked_at is not None
        or not found.family.user.is_active
    ):
        raise invalid
    if found.expires_at <= now:
        raise TokenError(
            AccountErrorCode.TOKEN_EXPIRED,
            "The access token has expired; use tokenRefresh.",
        )
    return found.family.user
