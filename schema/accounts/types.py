"""Account GraphQL types: the viewer, tokens, and the account error codes."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry
from strawberry import relay

from apps.accounts import models
from apps.accounts.errors import AccountErrorCode
from apps.accounts.services import TokenPair
from apps.core.idempotency import IdempotencyErrorCode
from schema.core.user_errors import UserError


@strawberry.enum(
    name="AccountErrorCode",
    description="Why an account or token mutation failed.",
)
class AccountErrorCodeEnum(Enum):
    INVALID_EMAIL = strawberry.enum_value(
        AccountErrorCode.INVALID_EMAIL.value,
        description="The email address is not valid.",
    )
    NAME_TOO_LONG = strawberry.enum_value(
        AccountErrorCode.NAME_TOO_LONG.value,
        description="The first or last name is longer than 200 characters.",
    )
    EMAIL_TAKEN = strawberry.enum_value(
        AccountErrorCode.EMAIL_TAKEN.value,
        description="An account with this email (in any case) already exists.",
    )
    PASSWORD_INVALID = strawberry.enum_value(
        AccountErrorCode.PASSWORD_INVALID.value,
        description=(
            "The password fails a password rule (too short, too common, all "
            "digits, too like the email); the message lists which."
        ),
    )
    INVALID_CREDENTIALS = strawberry.enum_value(
        AccountErrorCode.INVALID_CREDENTIALS.value,
        description=(
            "Wrong email or password. Deliberately the same for an unknown "
            "email, a wrong password and a deactivated account."
        ),
    )
    THROTTLED = strawberry.enum_value(
        AccountErrorCode.THROTTLED.value,
        description=(
            "Too many failed sign-ins from this address (for this email); the "
            "message says after how many seconds to try again."
        ),
    )
    INVALID_TOKEN = strawberry.enum_value(
        AccountErrorCode.INVALID_TOKEN.value,
        description="The token is unknown, malformed, revoked, or already used.",
    )
    TOKEN_EXPIRED = strawberry.enum_value(
        AccountErrorCode.TOKEN_EXPIRED.value,
        description="The token was valid but has expired.",
    )
    TOKEN_REUSED = strawberry.enum_value(
        AccountErrorCode.TOKEN_REUSED.value,
        description=(
            "The refresh token had already been exchanged: the whole session "
            "(every token from that sign-in) is now revoked. Sign in again."
        ),
    )
    ALREADY_VERIFIED = strawberry.enum_value(
        AccountErrorCode.ALREADY_VERIFIED.value,
        description="The email address is already verified.",
    )
    IDEMPOTENCY_KEY_REUSED = strawberry.enum_value(
        IdempotencyErrorCode.IDEMPOTENCY_KEY_REUSED.value,
        description="The idempotency key was already used for a different request.",
    )
    INVALID_IDEMPOTENCY_KEY = strawberry.enum_value(
        IdempotencyErrorCode.INVALID_IDEMPOTENCY_KEY.value,
        description="The idempotency key is empty or longer than 255 characters.",
    )


@strawberry.type(
    name="AccountError",
    description="Why an account or token mutation did not do what was asked.",
)
class AccountError(UserError[AccountErrorCodeEnum]):
    pass


@strawberry.type(description="A customer or staff account.")
class User:
    id: strawberry.ID = strawberry.field(description="The account's global ID.")
    email: str = strawberry.field(
        description="Email address, lower-case; it signs the user in."
    )
    first_name: str = strawberry.field(
        description="Given name as the user gave it; may be empty."
    )
    last_name: str = strawberry.field(
        description="Family name as the user gave it; may be empty."
    )
    full_name: str = strawberry.field(
        description="firstName and lastName joined by a space; may be empty."
    )
    is_staff: bool = strawberry.field(
        description="Staff see reports and every customer's orders."
    )
    email_verified: bool = strawberry.field(
        description="Whether the user confirmed the email address (accountVerifyEmail)."
    )

    @classmethod
    def from_model(cls, user: models.User) -> User:
        return cls(
            id=strawberry.ID(relay.to_base64("User", user.pk)),
            email=user.email,
            first_name=user.first_name,
            last_name=user.last_name,
            full_name=user.full_name,
            is_staff=user.is_staff,
            email_verified=user.email_verified,
        )


@strawberry.type(description="A new access token and the refresh token that renews it.")
class TokenPayloadFields:
    access_token: str | None = strawberry.field(
        default=None,
        description=(
            "Send as `Authorization: Bearer <accessToken>`. Valid for 15 minutes "
            "(accessTokenExpiresAt); null when errors is not empty."
        ),
    )
    access_token_expires_at: datetime | None = strawberry.field(
        default=None, description="When accessToken stops working (UTC)."
    )
    refresh_token: str | None = strawberry.field(
        default=None,
        description=(
            "Exchange with tokenRefresh for a new pair before it expires; it works "
            "once, and using it a second time revokes the whole session. Keep it "
            "secret: never send it as a bearer token."
        ),
    )
    refresh_token_expires_at: datetime | None = strawberry.field(
        default=None,
        description="When refreshToken stops working (UTC); 30 days after issue.",
    )

    @staticmethod
    def token_fields(pair: TokenPair) -> dict[str, object]:
        return {
            "access_token": pair.access_token,
            "access_token_expires_at": pair.access_expires_at,
            "refresh_token": pair.refresh_token,
            "refresh_token_expires_at": pair.refresh_expires_at,
        }
