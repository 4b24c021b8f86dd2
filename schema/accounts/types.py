"""Account GraphQL types: the viewer, tokens, and the account error codes."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry
from django.db.models import F
from strawberry import relay

from apps.accounts import models
from apps.accounts.errors import AccountErrorCode
from apps.accounts.services import TokenPair
from apps.core.idempotency import IdempotencyErrorCode
from schema.context import Info
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


@strawberry.type(
    name="AccountAddress", description="An address saved in a customer's address book."
)
class AccountAddress:
    id: strawberry.ID = strawberry.field(description="The address's global ID.")
    full_name: str = strawberry.field(description="Recipient's name.")
    line1: str = strawberry.field(description="First address line.")
    line2: str = strawberry.field(description="Second address line; may be empty.")
    city: str = strawberry.field(description="City or town.")
    postal_code: str = strawberry.field(description="Postal or ZIP code.")
    country: str = strawberry.field(description="ISO 3166-1 alpha-2 country code.")
    phone: str = strawberry.field(description="Contact phone; may be empty.")

    @classmethod
    def from_model(cls, address: models.Address) -> AccountAddress:
        return cls(
            id=strawberry.ID(relay.to_base64("Address", address.pk)),
            full_name=address.full_name,
            line1=address.line1,
            line2=address.line2,
            city=address.city,
            postal_code=address.postal_code,
            country=address.country,
            phone=address.phone,
        )


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

    @strawberry.field(
        description=(
            "The address book, oldest first; only on your own account (`me`), "
            "empty on anyone else's."
        )
    )
    async def addresses(self, info: Info) -> list[AccountAddress]:
        owner = await _own_account_pk(self, info)
        if owner is None:
            return []
        return [
            AccountAddress.from_model(address)
            async for address in models.Address.objects.filter(user_id=owner).order_by(
                "pk"
            )
        ]

    @strawberry.field(
        description=(
            "The address offered first at checkout; only on your own account (`me`)."
        )
    )
    async def default_shipping_address(self, info: Info) -> AccountAddress | None:
        owner = await _own_account_pk(self, info)
        if owner is None:
            return None
        address = await models.Address.objects.filter(
            user__pk=owner, user__default_shipping_address=F("pk")
        ).afirst()
        return AccountAddress.from_model(address) if address is not None else None

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


async def _own_account_pk(user: User, info: Info) -> int | None:
    """The account's pk when the viewer is that account, else None."""
    viewer = await info.context.auser()
    if not viewer.is_authenticated or relay.to_base64("User", viewer.pk) != user.id:
        return None
    return int(viewer.pk)
