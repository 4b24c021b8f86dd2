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
from schema.core.error_codes import error_code_enum
from schema.core.user_errors import UserError


@error_code_enum(
    AccountErrorCode,
    IdempotencyErrorCode,
    name="AccountErrorCode",
    description="Why an account or token mutation failed.",
    # Raised only by the verification email task, never by a mutation.
    exclude={AccountErrorCode.USER_NOT_FOUND},
)
class AccountErrorCodeEnum(Enum):
    pass


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
