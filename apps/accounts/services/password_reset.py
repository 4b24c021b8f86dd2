"""Forgotten and changed passwords.

A reset link carries Django's password reset token for the user, prefixed by
the user's id: it expires after PASSWORD_RESET_TIMEOUT (an hour) and works
once, since it is bound to the password hash it replaces. Setting a new
password, by reset or by change, signs out every API session (token
families) but, for a change, the caller's own; Django's own sessions end too,
their hash being bound to the password.

Passwords are hashed with no database connection held (apps.accounts.passwords).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.accounts import emails, passwords, selectors, tasks, throttles
from apps.accounts.errors import AccountError, AccountErrorCode, TokenError
from apps.accounts.models import User
from apps.accounts.services.token_families import RevokeReason, families_revoke_all
from apps.jobs.outbox import job_enqueue

_SEPARATOR = "."


def password_reset_request(
    *, email: str, client_address: str | None, now: datetime | None = None
) -> None:
    """Email a reset link to the active account with `email`, if there is one.

    The caller learns nothing either way: the same answer, the same buckets
    taken, for an email no account has.

    Raises:
        PasswordResetThrottledError: THROTTLED, per address or per email.
    """
    now = now or timezone.now()
    normalised = selectors.email_normalize(email)
    if client_address is not None:
        throttles.password_reset_take(email=normalised, address=client_address)
    user = selectors.user_by_email(email=normalised)
    if user is None or not user.is_active:
        return
    requested = int(now.timestamp())
    with transaction.atomic():
        job_enqueue(
            tasks.password_reset_email_send_task,
            key=f"password-reset:{user.pk}:{requested}",
            user_id=user.pk,
            requested=requested,
        )


def password_reset_email_send(*, user_id: int, requested: int) -> bool:
    """Send the reset email of one request, at most once; whether it left."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False  # deactivated since: nothing to reset
    key = f"password-reset:{user.pk}:{requested}"
    return emails.send_once(key, user, lambda: _reset_email(user))


def reset_token_make(user: User) -> str:
    """The token a reset link carries: the user's id and Django's reset token."""
    return f"{user.pk}{_SEPARATOR}{default_token_generator.make_token(user)}"


def _reset_email(user: User) -> mail.EmailMessage:
    context = {
        "user": user,
        "url": settings.PASSWORD_RESET_URL.format(token=reset_token_make(user)),
        "minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
    }
    return emails.templated("password_reset", context, to=user.email)


@dataclass(frozen=True, slots=True)
class _Reset:
    user: User
    token: str


async def aset_password(
    *, token: str, password: str, now: datetime | None = None
) -> User:
    """Set a new password with a reset token; every session is signed out.

    Raises:
        TokenError: INVALID_TOKEN (forged, used, or expired).
        AccountError: PASSWORD_INVALID.
    """
    reset = await sync_to_async(_reset_checked_released)(token=token, password=password)
    encoded = await passwords.apassword_hash(password)
    return await sync_to_async(_password_save_reset)(
        reset, encoded, now or timezone.now()
    )


def _reset_user(token: str) -> _Reset:
    user_id, _, secret = token.partition(_SEPARATOR)
    user = (
        User.objects.filter(pk=int(user_id), is_active=True).first()
        if user_id.isdigit() and len(user_id) < 19
        else None
    )
    if user is None or not default_token_generator.check_token(user, secret):
        raise TokenError(
            AccountErrorCode.INVALID_TOKEN,
            "This reset link is not valid: it was used, has expired, or was "
            "replaced by a newer one. Ask for a new one.",
        )
    return _Reset(user=user, token=secret)


def _reset_checked_released(*, token: str, password: str) -> _Reset:
    try:
        reset = _reset_user(token)
        _validate(password, reset.user)
        return reset
    finally:
        passwords.connection_release()


@transaction.atomic
def _password_save_reset(reset: _Reset, encoded: str, now: datetime) -> User:
    # Locked and checked again: of two uses of one link, the second finds the
    # password changed under it and fails.
    user = User.objects.select_for_update().get(pk=reset.user.pk)
    if not default_token_generator.check_token(user, reset.token):
        raise TokenError(
            AccountErrorCode.INVALID_TOKEN, "This reset link was just used."
        )
    _password_save(user, encoded, reason="password-reset", now=now)
    return user


async def apassword_change(
    *,
    user: User,
    old_password: str,
    new_password: str,
    keep_family: int | None,
    now: datetime | None = None,
) -> User:
    """Change a signed-in user's password; their other sessions are signed out.

    Raises:
        AccountError: INVALID_CREDENTIALS (wrong old password), PASSWORD_INVALID.
    """
    verdict = await passwords.apassword_verify(
        password=old_password, encoded=user.password
    )
    if not verdict.valid:
        raise AccountError(
            AccountErrorCode.INVALID_CREDENTIALS,
            "The current password is wrong.",
            field="oldPassword",
        )
    _validate(new_password, user, field="newPassword")
    encoded = await passwords.apassword_hash(new_password)

    @transaction.atomic
    def save() -> User:
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.password != user.password:  # changed meanwhile elsewhere
            raise AccountError(
                AccountErrorCode.INVALID_CREDENTIALS,
                "The password was changed meanwhile; sign in again.",
                field="oldPassword",
            )
        _password_save(
            locked,
            encoded,
            reason="password-change",
            now=now or timezone.now(),
            keep=keep_family,
        )
        return locked

    return await sync_to_async(save)()


def _validate(password: str, user: User, *, field: str = "password") -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise AccountError(
            AccountErrorCode.PASSWORD_INVALID, " ".join(error.messages), field=field
        ) from None


def _password_save(
    user: User,
    encoded: str,
    *,
    reason: RevokeReason,
    now: datetime,
    keep: int | None = None,
) -> None:
    user.password = encoded
    user.save(update_fields=["password"])
    families_revoke_all(user_id=user.pk, reason=reason, now=now, keep=keep)
