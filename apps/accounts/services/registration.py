"""Registration and email verification."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth import password_validation
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from apps.accounts import emails, passwords, selectors, tasks, throttles, tokens
from apps.accounts.errors import AccountError, AccountErrorCode, TokenError
from apps.accounts.models import User
from apps.accounts.services.profile import names_check
from apps.core import idempotency
from apps.jobs.outbox import job_enqueue

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
    pending = _register_prepare(
        email=email,
        password=password,
        names=_Names(first=first_name.strip(), last=last_name.strip()),
        client_address=client_address,
        idempotency_key=idempotency_key,
        now=now,
    )
    if isinstance(pending, User):
        return pending
    pending.user.password = passwords.password_hash(password)
    return _register(pending, now=now)


async def aaccount_register(
    *,
    email: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    client_address: str | None,
    idempotency_key: str | None = None,
    now: datetime | None = None,
) -> User:
    """Async `account_register`: no connection is held while the password is hashed."""
    pending = await sync_to_async(_register_prepare_released)(
        email=email,
        password=password,
        names=_Names(first=first_name.strip(), last=last_name.strip()),
        client_address=client_address,
        idempotency_key=idempotency_key,
        now=now,
    )
    if isinstance(pending, User):
        return pending
    pending.user.password = await passwords.apassword_hash(password)
    return await sync_to_async(_register)(pending, now=now)


@dataclass(frozen=True, slots=True, kw_only=True)
class _Names:
    first: str
    last: str


@dataclass(frozen=True, slots=True, kw_only=True)
class _Pending:
    """A valid registration, not yet saved, its password not yet hashed."""

    user: User
    scope: idempotency.IdempotencyScope | None
    request: dict[str, str]


def _register_prepare(
    *,
    email: str,
    password: str,
    names: _Names,
    client_address: str | None,
    idempotency_key: str | None,
    now: datetime | None,
) -> User | _Pending:
    """Return a replayed account, or the checked registration still to save."""
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
    user = _unsaved_user(email=normalised, password=password, names=names, now=now)
    return _Pending(user=user, scope=scope, request=request)


def _register_prepare_released(
    *,
    email: str,
    password: str,
    names: _Names,
    client_address: str | None,
    idempotency_key: str | None,
    now: datetime | None,
) -> User | _Pending:
    try:
        return _register_prepare(
            email=email,
            password=password,
            names=names,
            client_address=client_address,
            idempotency_key=idempotency_key,
            now=now,
        )
    finally:
        passwords.connection_release()


def _unsaved_user(
    *, email: str, password: str, names: _Names, now: datetime | None
) -> User:
    """Validate the registration; return the user, unsaved, its password unset."""
    try:
        validate_email(email)
    except ValidationError:
        raise AccountError(
            AccountErrorCode.INVALID_EMAIL,
            "Enter a valid email address.",
            field="email",
        ) from None
    names_check(first_name=names.first, last_name=names.last)
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
    return user


@transaction.atomic
def _register(pending: _Pending, *, now: datetime | None) -> User:
    """Claim the key, save the user and queue its verification email, together."""
    user = pending.user
    claim = idempotency.idempotency_claim(
        scope=pending.scope, request=pending.request, now=now
    )
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


def verification_email_send(
    *, user_id: int, requested: int | None = None, now: datetime | None = None
) -> bool:
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
    if requested is not None:  # a resend the user asked for: its own key
        key = f"{key}:{requested}"
    return emails.send_once(
        key, user, lambda: _verification_email(user, now=now), now=now
    )


def _verification_email(user: User, *, now: datetime) -> mail.EmailMessage:
    token = tokens.verification_token_make(user_id=user.pk, email=user.email, now=now)
    lifetime: timedelta = settings.AUTH_EMAIL_VERIFICATION_LIFETIME
    context = {
        "user": user,
        "url": settings.EMAIL_VERIFICATION_URL.format(token=token),
        "hours": int(lifetime.total_seconds() // 3600),
    }
    return emails.templated("verify_email", context, to=user.email)


def verification_email_resend(*, user_id: int, now: datetime | None = None) -> None:
    """Queue a new verification email for a signed-in, unverified user.

    Raises:
        AccountError: ALREADY_VERIFIED.
        VerificationResendThrottledError: THROTTLED (3 an hour per account).
    """
    now = now or timezone.now()
    user = User.objects.get(pk=user_id)
    if user.email_verified_at is not None:
        raise AccountError(
            AccountErrorCode.ALREADY_VERIFIED, "This email is already verified."
        )
    throttles.verification_resend_take(user_id=user.pk)
    requested = int(now.timestamp())
    with transaction.atomic():
        job_enqueue(
            tasks.account_verification_email_send_task,
            key=f"email-verification:{user.pk}:{requested}",
            user_id=user.pk,
            requested=requested,
        )
