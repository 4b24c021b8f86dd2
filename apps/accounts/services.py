"""Account writes: registration, email verification, sign-in, API tokens.

Every public function is its own transaction boundary. Those that must keep a
write even though they fail (a token family revoked on reuse) commit it first
and raise afterwards.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from django.conf import settings
from django.contrib.auth import password_validation
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.crypto import salted_hmac

from apps.accounts import selectors, tasks, throttles, tokens
from apps.accounts.errors import (
    AccountError,
    AccountErrorCode,
    InvalidCredentialsError,
    TokenError,
)
from apps.accounts.models import (
    ApiToken,
    KnownSignInAddress,
    SentEmail,
    TokenFamily,
    User,
)
from apps.core import idempotency
from apps.jobs.outbox import job_enqueue

logger = logging.getLogger(__name__)

RevokeReason = Literal["sign-out", "reuse"]


@dataclass(frozen=True, slots=True, kw_only=True)
class TokenPair:
    """A fresh access token and the refresh token that replaces it later."""

    user_id: int
    access_token: str
    access_expires_at: datetime
    refresh_token: str
    refresh_expires_at: datetime


# Registration and verification ----------------------------------------------


REGISTER_OPERATION = "account_register"


def account_register(
    *,
    email: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    client_address: str | None,
    idempotency_key: str | None = None,
    now: datetime | None = None,
) -> User:
    """Create a customer account and send it a verification email after commit.

    The email is stripped and lower-cased; it is unique in any case. Each
    attempt from `client_address` counts against the registration bucket,
    failed or not; a replayed retry does not.

    Args:
        email: The new account's email address.
        password: Checked by the password validators.
        first_name: At most 200 characters, stripped; may be empty.
        last_name: At most 200 characters, stripped; may be empty.
        client_address: The caller's IP address; None for trusted callers
            (management commands), which are not throttled.
        idempotency_key: Optional, scoped to the normalised email. A retry
            with the same key, email, names and password returns the account
            created first (and sends no second email) instead of EMAIL_TAKEN.
            Only a keyed HMAC of the password enters the stored request hash.
        now: The current time (tests).

    Raises:
        AccountError: INVALID_EMAIL, NAME_TOO_LONG, PASSWORD_INVALID or
            EMAIL_TAKEN.
        RegistrationThrottledError: THROTTLED, with the wait.
        IdempotencyError: IDEMPOTENCY_KEY_REUSED, INVALID_IDEMPOTENCY_KEY.
    """
    names = _Names(first=first_name.strip(), last=last_name.strip())
    normalised = selectors.email_normalize(email)
    scope = None
    request: dict[str, str] = {}
    if idempotency_key is not None:
        scope = idempotency.IdempotencyScope(
            operation=REGISTER_OPERATION,
            owner=f"email:{normalised}",
            key=idempotency_key,
        )
        request = {
            "email": normalised,
            "first_name": names.first,
            "last_name": names.last,
            "password": salted_hmac(
                REGISTER_OPERATION, password, algorithm="sha256"
            ).hexdigest(),
        }
        # A retry is answered before the validators and the password hash run.
        stored = idempotency.idempotency_lookup(scope=scope, request=request, now=now)
        if stored is not None:
            return User.objects.get(pk=stored["user_id"])
    if client_address is not None:
        throttles.registration_take(address=client_address)
    # Validation and password hashing (slow by design) stay outside the
    # transaction, so no connection is held while they run.
    user = _unsaved_user(email=normalised, password=password, names=names, now=now)
    return _register(user, scope=scope, request=request, now=now)


@dataclass(frozen=True, slots=True, kw_only=True)
class _Names:
    first: str
    last: str


def _unsaved_user(
    *, email: str, password: str, names: _Names, now: datetime | None
) -> User:
    """Validate the registration and return the user, password hashed, unsaved."""
    try:
        validate_email(email)
    except ValidationError:
        raise AccountError(
            AccountErrorCode.INVALID_EMAIL,
            "Enter a valid email address.",
            field="email",
        ) from None
    for field, value in (("first_name", names.first), ("last_name", names.last)):
        limit = getattr(User._meta.get_field(field), "max_length", None)
        if limit is not None and len(value) > limit:
            raise AccountError(
                AccountErrorCode.NAME_TOO_LONG,
                f"Use at most {limit} characters.",
                field=field,
            )
    user = User(
        email=email,
        first_name=names.first,
        last_name=names.last,
        date_joined=now or timezone.now(),
    )
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise AccountError(
            AccountErrorCode.PASSWORD_INVALID,
            " ".join(error.messages),
            field="password",
        ) from None
    user.set_password(password)
    return user


@transaction.atomic
def _register(
    user: User,
    *,
    scope: idempotency.IdempotencyScope | None,
    request: dict[str, str],
    now: datetime | None,
) -> User:
    """Claim the key, save the user and queue its verification email, together."""
    claim = idempotency.idempotency_claim(scope=scope, request=request, now=now)
    if claim.replay is not None:  # an identical request committed meanwhile
        return User.objects.get(pk=claim.replay["user_id"])
    taken = AccountError(
        AccountErrorCode.EMAIL_TAKEN,
        "An account with this email already exists.",
        field="email",
    )
    if selectors.user_by_email(email=user.email) is not None:
        raise taken
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # a concurrent registration won the race
        raise taken from None
    job_enqueue(
        tasks.account_verification_email_send_task,
        key=f"email-verification:{user.pk}",
        user_id=user.pk,
    )
    claim.complete({"user_id": user.pk})
    return user


def account_verify_email(*, token: str, now: datetime | None = None) -> User:
    """Mark the email in `token` as verified; each token works once.

    Raises:
        TokenError: INVALID_TOKEN (forged, for another address, or used),
            TOKEN_EXPIRED.
        AccountError: ALREADY_VERIFIED.
    """
    now = now or timezone.now()
    invalid = TokenError(
        AccountErrorCode.INVALID_TOKEN, "This verification link is not valid."
    )
    claims = tokens.verification_token_read(token)
    if claims is None:
        raise invalid
    user_id, email, issued = claims
    lifetime: timedelta = settings.AUTH_EMAIL_VERIFICATION_LIFETIME
    if now.timestamp() - issued > lifetime.total_seconds():
        raise TokenError(
            AccountErrorCode.TOKEN_EXPIRED,
            "This verification link has expired; ask for a new one.",
        )
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=user_id).first()
        if user is None or user.email != email or not user.is_active:
            raise invalid
        if user.email_verified_at is not None:
            raise AccountError(
                AccountErrorCode.ALREADY_VERIFIED, "This email is already verified."
            )
        user.email_verified_at = now
        user.save(update_fields=["email_verified_at"])
    return user


def verification_email_send(*, user_id: int, now: datetime | None = None) -> bool:
    """Send the verification email to an unverified user, at most once.

    The send is recorded (SentEmail) before the message leaves, under a unique
    key, so a task that runs twice sends one email; if sending fails the
    record is removed again and a retry can send. Returns whether it sent.

    Raises:
        AccountError: USER_NOT_FOUND when the user is gone or deactivated.
    """
    now = now or timezone.now()
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise AccountError(
            AccountErrorCode.USER_NOT_FOUND,
            "No active user has this ID.",
            field="user_id",
        )
    if user.email_verified_at is not None:
        return False
    key = f"email-verification:{user.pk}:{user.email}"
    try:
        with transaction.atomic():
            record = SentEmail.objects.create(key=key, user=user, created_at=now)
    except IntegrityError:
        return False
    try:
        _verification_email(user, now=now).send()
    except Exception:
        record.delete()
        raise
    return True


def _verification_email(user: User, *, now: datetime) -> mail.EmailMessage:
    token = tokens.verification_token_make(user_id=user.pk, email=user.email, now=now)
    lifetime: timedelta = settings.AUTH_EMAIL_VERIFICATION_LIFETIME
    context = {
        "user": user,
        "url": settings.EMAIL_VERIFICATION_URL.format(token=token),
        "hours": int(lifetime.total_seconds() // 3600),
    }
    message = mail.EmailMultiAlternatives(
        subject=render_to_string(
            "accounts/email/verify_email_subject.txt", context
        ).strip(),
        body=render_to_string("accounts/email/verify_email.txt", context),
        to=[user.email],
    )
    message.attach_alternative(
        render_to_string("accounts/email/verify_email.html", context), "text/html"
    )
    return message


# Sign-in and tokens -----------------------------------------------------------


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
        return _pair_issue(family=family, now=now)


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


def _pair_issue(*, family: TokenFamily, now: datetime) -> TokenPair:
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
    return _pair_issue(family=token.family, now=now)


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
