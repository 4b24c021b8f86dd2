"""Account mutations: convert, call one service, map its DomainError."""

from __future__ import annotations

from typing import Annotated

import strawberry
from asgiref.sync import sync_to_async

from apps.accounts import services
from apps.accounts.errors import AccountError as DomainAccountError
from apps.accounts.errors import ThrottledError
from apps.accounts.models import User as UserModel
from apps.core.idempotency import IdempotencyError
from apps.core.models import IdempotencyRecord
from schema.accounts.inputs import AccountRegisterInput
from schema.accounts.types import (
    AccountError,
    AccountErrorCodeEnum,
    TokenPayloadFields,
    User,
)
from schema.context import Info
from schema.core.input_checks import bounded_argument, model_max_length
from schema.core.throttling import retry_after
from schema.core.user_errors import user_error_from
from schema.http.client import client_address

ERRORS_DESCRIPTION = "Empty when the mutation succeeded."


def account_errors(error: DomainAccountError | IdempotencyError) -> list[AccountError]:
    return [user_error_from(error, error_type=AccountError, codes=AccountErrorCodeEnum)]


def throttle_retry_after(info: Info, error: Exception) -> None:
    if isinstance(error, ThrottledError):
        retry_after(info, error.retry_after_seconds)


def user_or_none(user: UserModel | None) -> User | None:
    return User.from_model(user) if user is not None else None


@strawberry.type(description="The result of accountRegister.")
class AccountRegisterPayload:
    user: User | None = strawberry.field(
        default=None, description="The new account; null when errors is not empty."
    )
    errors: list[AccountError] = strawberry.field(
        default_factory=list, description=ERRORS_DESCRIPTION
    )


@strawberry.type(description="The result of accountVerifyEmail.")
class AccountVerifyEmailPayload:
    user: User | None = strawberry.field(
        default=None,
        description="The account, now verified; null when errors is not empty.",
    )
    errors: list[AccountError] = strawberry.field(
        default_factory=list, description=ERRORS_DESCRIPTION
    )


@strawberry.type(description="The result of tokenCreate.")
class TokenCreatePayload(TokenPayloadFields):
    user: User | None = strawberry.field(
        default=None, description="Who signed in; null when errors is not empty."
    )
    errors: list[AccountError] = strawberry.field(
        default_factory=list, description=ERRORS_DESCRIPTION
    )


@strawberry.type(description="The result of tokenRefresh.")
class TokenRefreshPayload(TokenPayloadFields):
    errors: list[AccountError] = strawberry.field(
        default_factory=list, description=ERRORS_DESCRIPTION
    )


@strawberry.type(description="The result of tokenRevoke.")
class TokenRevokePayload:
    errors: list[AccountError] = strawberry.field(
        default_factory=list, description=ERRORS_DESCRIPTION
    )


@strawberry.type
class AccountMutation:
    @strawberry.mutation(
        description=(
            "Create a customer account and email a verification link (valid 3 "
            "days). The email is lower-cased and unique in any case; the password "
            "must pass the password rules. Does not sign in: call tokenCreate. "
            "With an idempotencyKey, a retry of the same request returns the "
            "account created first instead of EMAIL_TAKEN. At most 10 attempts "
            "an hour per client address, failed or not (THROTTLED with the "
            "seconds to wait, and a Retry-After header)."
        )
    )
    async def account_register(
        self,
        info: Info,
        input: Annotated[
            AccountRegisterInput, strawberry.argument(description="The new account.")
        ],
        idempotency_key: Annotated[
            str | None,
            bounded_argument(
                description=(
                    "Optional, not blank, scoped to the email. The same key with "
                    "the same input replays the first result for 24 hours; with "
                    "other input it is IDEMPOTENCY_KEY_REUSED."
                ),
                max_length=model_max_length(IdempotencyRecord, "key"),
            ),
        ] = None,
    ) -> AccountRegisterPayload:
        try:
            user = await services.aaccount_register(
                email=input.email,
                password=input.password,
                first_name=input.first_name,
                last_name=input.last_name,
                client_address=client_address(info.context.request),
                idempotency_key=idempotency_key,
            )
        except (DomainAccountError, IdempotencyError) as error:
            throttle_retry_after(info, error)
            return AccountRegisterPayload(errors=account_errors(error))
        return AccountRegisterPayload(user=user_or_none(user))

    @strawberry.mutation(
        description="Confirm an email address with the token from the emailed link."
    )
    async def account_verify_email(
        self,
        token: Annotated[
            str, strawberry.argument(description="The token from the link; single-use.")
        ],
    ) -> AccountVerifyEmailPayload:
        try:
            user = await sync_to_async(services.account_verify_email)(token=token)
        except DomainAccountError as error:
            return AccountVerifyEmailPayload(errors=account_errors(error))
        return AccountVerifyEmailPayload(user=user_or_none(user))

    @strawberry.mutation(
        description=(
            "Sign in: exchange email and password for an access token (15 minutes) "
            "and a refresh token (30 days). Every attempt, right or wrong, counts: "
            "past 5 per email and address, 50 per address, or 10 per email from "
            "addresses it never signed in from, within 15 minutes, the answer is "
            "THROTTLED with the seconds to wait (and a Retry-After header)."
        )
    )
    async def token_create(
        self,
        info: Info,
        email: Annotated[str, strawberry.argument(description="Email, any case.")],
        password: Annotated[str, strawberry.argument(description="Password.")],
    ) -> TokenCreatePayload:
        try:
            pair = await services.atoken_create(
                email=email,
                password=password,
                client_address=client_address(info.context.request),
            )
        except DomainAccountError as error:
            throttle_retry_after(info, error)
            return TokenCreatePayload(errors=account_errors(error))
        user = await UserModel.objects.aget(pk=pair.user_id)
        return TokenCreatePayload(
            user=user_or_none(user),
            **TokenPayloadFields.token_fields(pair),  # type: ignore[arg-type]
        )

    @strawberry.mutation(
        description=(
            "Exchange a refresh token for a new access and refresh token. Each "
            "refresh token works once; presenting a used one revokes the session "
            "(TOKEN_REUSED)."
        )
    )
    async def token_refresh(
        self,
        refresh_token: Annotated[
            str, strawberry.argument(description="The latest refresh token.")
        ],
    ) -> TokenRefreshPayload:
        try:
            pair = await sync_to_async(services.token_refresh)(
                refresh_token=refresh_token
            )
        except DomainAccountError as error:
            return TokenRefreshPayload(errors=account_errors(error))
        return TokenRefreshPayload(**TokenPayloadFields.token_fields(pair))  # type: ignore[arg-type]

    @strawberry.mutation(
        description=(
            "Sign out: revoke the session of this refresh token. Its access and "
            "refresh tokens stop working at once. Revoking twice succeeds."
        )
    )
    async def token_revoke(
        self,
        refresh_token: Annotated[
            str, strawberry.argument(description="A refresh token of the session.")
        ],
    ) -> TokenRevokePayload:
        try:
            await sync_to_async(services.token_revoke)(refresh_token=refresh_token)
        except DomainAccountError as error:
            return TokenRevokePayload(errors=account_errors(error))
        return TokenRevokePayload()
