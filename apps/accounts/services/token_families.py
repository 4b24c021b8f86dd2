"""API token families: the pairs a sign-in issues, rotation, sign-out, purge.

Those that must keep a write even though they fail (a token family revoked
on reuse) commit it first and raise afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from apps.accounts import tokens
from apps.accounts.errors import AccountErrorCode, TokenError
from apps.accounts.models import ApiToken, TokenFamily

RevokeReason = Literal["sign-out", "reuse", "password-reset", "password-change"]


@dataclass(frozen=True, slots=True, kw_only=True)
class TokenPair:
    """A fresh access token and the refresh token that replaces it later."""

    user_id: int
    access_token: str
    access_expires_at: datetime
    refresh_token: str
    refresh_expires_at: datetime


def token_refresh(*, refresh_token: str, now: datetime | None = None) -> TokenPair:
    """Exchange a refresh token for a new pair; the old one stops working.

    Presenting a refresh token that was already exchanged revokes its whole
    family, so a thief and the victim both lose the stolen session.

    Raises:
        TokenError: INVALID_TOKEN (unknown or revoked), TOKEN_EXPIRED,
            TOKEN_REUSED (the family is now revoked).
    """
    now = now or timezone.now()
    with transaction.atomic():
        outcome = _rotate(refresh_token=refresh_token, now=now)
    if isinstance(outcome, TokenError):
        raise outcome
    return outcome


def token_revoke(*, refresh_token: str, now: datetime | None = None) -> None:
    """Sign out: revoke the family of `refresh_token` and all its tokens.

    Revoking an already revoked family succeeds again (sign-out is idempotent).

    Raises:
        TokenError: INVALID_TOKEN for a token that was never issued.
    """
    now = now or timezone.now()
    with transaction.atomic():
        token = _refresh_token_locked(refresh_token)
        if token is None:
            raise _invalid_token()
        _family_revoke(token.family, reason="sign-out", now=now)


def families_revoke_all(
    *, user_id: int, reason: RevokeReason, now: datetime, keep: int | None = None
) -> int:
    """Sign the user out everywhere (but the family `keep`); return how many."""
    live = TokenFamily.objects.filter(user_id=user_id, revoked_at__isnull=True)
    if keep is not None:
        live = live.exclude(pk=keep)
    return live.update(revoked_at=now, revoked_reason=reason)


def pair_issue(*, family: TokenFamily, now: datetime) -> TokenPair:
    """Issue the next access and refresh token of `family`; return them."""
    access = tokens.token_generate(ApiToken.Kind.ACCESS)
    refresh = tokens.token_generate(ApiToken.Kind.REFRESH)
    access_expires = now + settings.AUTH_ACCESS_TOKEN_LIFETIME
    refresh_expires = now + settings.AUTH_REFRESH_TOKEN_LIFETIME
    ApiToken.objects.bulk_create(
        [
            ApiToken(
                family=family,
                kind=ApiToken.Kind.ACCESS,
                digest=tokens.token_digest(access),
                created_at=now,
                expires_at=access_expires,
            ),
            ApiToken(
                family=family,
                kind=ApiToken.Kind.REFRESH,
                digest=tokens.token_digest(refresh),
                created_at=now,
                expires_at=refresh_expires,
            ),
        ]
    )
    return TokenPair(
        user_id=family.user_id,
        access_token=access,
        access_expires_at=access_expires,
        refresh_token=refresh,
        refresh_expires_at=refresh_expires,
    )


def _rotate(*, refresh_token: str, now: datetime) -> TokenPair | TokenError:
    token = _refresh_token_locked(refresh_token)
    if token is None or token.family.revoked_at is not None:
        return _invalid_token()
    if token.used_at is not None:
        _family_revoke(token.family, reason="reuse", now=now)
        return TokenError(
            AccountErrorCode.TOKEN_REUSED,
            "This refresh token was already used; the session has been revoked. "
            "Sign in again.",
        )
    if token.expires_at <= now:
        return TokenError(
            AccountErrorCode.TOKEN_EXPIRED, "The refresh token has expired."
        )
    if not token.family.user.is_active:
        return _invalid_token()
    token.used_at = now
    token.save(update_fields=["used_at"])
    return pair_issue(family=token.family, now=now)


def _refresh_token_locked(refresh_token: str) -> ApiToken | None:
    """Return the refresh token row for `refresh_token`, locked, or None."""
    if tokens.token_kind(refresh_token) != ApiToken.Kind.REFRESH:
        return None
    digest = tokens.token_digest(refresh_token)
    token = (
        ApiToken.objects.select_for_update(of=("self",))
        .select_related("family__user")
        .filter(digest=digest, kind=ApiToken.Kind.REFRESH)
        .first()
    )
    if token is None or not tokens.digests_match(refresh_token, token.digest):
        return None
    return token


def _family_revoke(family: TokenFamily, *, reason: RevokeReason, now: datetime) -> None:
    updated = TokenFamily.objects.filter(pk=family.pk, revoked_at__isnull=True).update(
        revoked_at=now, revoked_reason=reason
    )
    if updated:
        family.revoked_at, family.revoked_reason = now, reason


def _invalid_token() -> TokenError:
    return TokenError(AccountErrorCode.INVALID_TOKEN, "The token is not valid.")


def tokens_expired_purge(*, now: datetime) -> int:
    """Delete sign-ins whose every token has expired; return how many.

    Their tokens go with them (cascade). A live family keeps its used and
    expired refresh tokens: they are how a replayed old token is recognised.
    """
    live = ApiToken.objects.filter(family=OuterRef("pk"), expires_at__gt=now)
    _, by_model = TokenFamily.objects.filter(~Exists(live)).delete()
    return by_model.get(TokenFamily._meta.label, 0)
