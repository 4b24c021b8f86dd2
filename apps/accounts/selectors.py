"""Account reads: users by email, bearer-token users, sign-in candidates."""

from __future__ import annotations

import ipaddress
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.db.models.functions import Lower
from django.utils import timezone

from apps.accounts import tokens
from apps.accounts.errors import AccountErrorCode, TokenError
from apps.accounts.models import ApiToken, KnownSignInAddress, User


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


def sign_in_candidate(
    *, email: str, address: str, now: datetime
) -> tuple[User | None, bool]:
    """Return the user `email` names (or None) and whether `address` is known.

    One query for a known and an unknown email alike, so the answer's timing
    tells nothing. Known: the user gave the right password from `address`
    within AUTH_LOGIN_KNOWN_ADDRESS_LIFETIME. An email longer than the column
    can be nobody's: it is looked up as the empty email, which no account
    has, so even then the query is the same.
    """
    width = User._meta.get_field("email").max_length or len(email)
    lifetime: timedelta = settings.AUTH_LOGIN_KNOWN_ADDRESS_LIFETIME
    known = KnownSignInAddress.objects.filter(
        user=OuterRef("pk"), last_signed_in_at__gt=now - lifetime
    )
    # Only an IP address can be known (and compared with the inet column).
    known = known.filter(address=address) if is_ip_address(address) else known.none()
    email = email_normalize(email)
    user = (
        User.objects.alias(email_lower=Lower("email"))
        .filter(email_lower=email if len(email) <= width else "")
        .annotate(address_known=Exists(known))
        .first()
    )
    return user, bool(user is not None and user.address_known)


def is_ip_address(address: str) -> bool:
    """Return whether `address` is an IPv4 or IPv6 address."""
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


async def auser_for_bearer_credentials(*, credentials: str) -> User:
    """Return the user of `Bearer <access token>` credentials, in one query.

    Takes the Authorization header's value as a string (RFC 6750's form), so
    each interface reads the header its own way and the rule stays here once.

    Raises:
        TokenError: INVALID_TOKEN (another scheme, no token, or what
            `auser_for_access_token` refuses), TOKEN_EXPIRED.
    """
    token = bearer_token(credentials)
    if token is None:
        raise TokenError(
            AccountErrorCode.INVALID_TOKEN,
            "The Authorization header must be `Bearer <access token>`.",
        )
    return await auser_for_access_token(token=token)


def bearer_token(credentials: str) -> str | None:
    """The token of `Bearer <token>` credentials; None for any other form."""
    scheme, _, token = credentials.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


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


async def afamily_of_bearer_credentials(*, credentials: str | None) -> int | None:
    """The sign-in (token family) a `Bearer <access token>` belongs to, if any."""
    token = bearer_token(credentials) if credentials is not None else None
    if token is None:
        return None
    family: int | None = (
        await ApiToken.objects.filter(
            digest=tokens.token_digest(token), kind=ApiToken.Kind.ACCESS
        )
        .values_list("family_id", flat=True)
        .afirst()
    )
    return family
