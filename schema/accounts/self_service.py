"""The account pages: a forgotten password, a changed one, the customer's names."""

from __future__ import annotations

from typing import Annotated

import strawberry
from asgiref.sync import sync_to_async

from apps.accounts import selectors, services
from apps.accounts.errors import AccountError as DomainAccountError
from apps.accounts.models import User as UserModel
from schema.accounts.mutations import (
    ERRORS_DESCRIPTION,
    account_errors,
    throttle_retry_after,
    user_or_none,
)
from schema.accounts.types import AccountError, User
from schema.context import Info
from schema.core.input_checks import bounded_argument, model_max_length
from schema.core.permissions import IsAuthenticated
from schema.http.client import client_address


@strawberry.type(description="The result of requestPasswordReset.")
class RequestPasswordResetPayload:
    errors: list[AccountError] = strawberry.field(
        default_factory=list, description=ERRORS_DESCRIPTION
    )


@strawberry.type(description="The result of setPassword.")
class SetPasswordPayload:
    user: User | None = strawberry.field(
        default=None,
        description="The account, its password set; null when errors is not empty.",
    )
    errors: list[AccountError] = strawberry.field(
        default_factory=list, description=ERRORS_DESCRIPTION
    )


@strawberry.type(description="The result of passwordChange.")
class PasswordChangePayload:
    user: User | None = strawberry.field(
        default=None, description="The account; null when errors is not empty."
    )
    errors: list[AccountError] = strawberry.field(
        default_factory=list, description=ERRORS_DESCRIPTION
    )


@strawberry.type(description="The result of sendConfirmationEmail.")
class SendConfirmationEmailPayload:
    errors: list[AccountError] = strawberry.field(
        default_factory=list, description=ERRORS_DESCRIPTION
    )


@strawberry.type(description="The result of accountUpdate.")
class AccountUpdatePayload:
    user: User | None = strawberry.field(
        default=None, description="The account as saved; null when errors is not empty."
    )
    errors: list[AccountError] = strawberry.field(
        default_factory=list, description=ERRORS_DESCRIPTION
    )


@strawberry.type
class AccountSelfServiceMutation:
    @strawberry.mutation(
        description=(
            "Email a password reset link (valid one hour, usable once) to the "
            "account with this email. The answer is the same whether or not an "
            "account has it. At most 3 requests an hour per email and 10 per "
            "client address (THROTTLED, with a Retry-After header)."
        )
    )
    async def request_password_reset(
        self,
        info: Info,
        email: Annotated[
            str,
            bounded_argument(
                description="The account's email, any case.",
                max_length=model_max_length(UserModel, "email"),
            ),
        ],
    ) -> RequestPasswordResetPayload:
        try:
            await sync_to_async(services.password_reset_request)(
                email=email, client_address=client_address(info.context.request)
            )
        except DomainAccountError as error:
            throttle_retry_after(info, error)
            return RequestPasswordResetPayload(errors=account_errors(error))
        return RequestPasswordResetPayload()

    @strawberry.mutation(
        description=(
            "Set a new password with the token from a reset link. The link then "
            "stops working, and every session of the account is signed out: "
            "sign in again with tokenCreate."
        )
    )
    async def set_password(
        self,
        token: Annotated[
            str, strawberry.argument(description="The token from the link.")
        ],
        password: Annotated[
            str,
            strawberry.argument(description="The new password (password rules apply)."),
        ],
    ) -> SetPasswordPayload:
        try:
            user = await services.aset_password(token=token, password=password)
        except DomainAccountError as error:
            return SetPasswordPayload(errors=account_errors(error))
        return SetPasswordPayload(user=user_or_none(user))

    @strawberry.mutation(
        description=(
            "Change the signed-in user's password. Every other session is signed "
            "out; the one making the change stays signed in."
        ),
        permission_classes=[IsAuthenticated],
    )
    async def password_change(
        self,
        info: Info,
        old_password: Annotated[
            str, strawberry.argument(description="The current password.")
        ],
        new_password: Annotated[
            str,
            strawberry.argument(description="The new password (password rules apply)."),
        ],
    ) -> PasswordChangePayload | None:
        viewer = await info.context.auser()
        assert isinstance(viewer, UserModel)  # IsAuthenticated let only users through
        family = await selectors.afamily_of_bearer_credentials(
            credentials=info.context.request.headers.get("Authorization")
        )
        try:
            user = await services.apassword_change(
                user=viewer,
                old_password=old_password,
                new_password=new_password,
                keep_family=family,
            )
        except DomainAccountError as error:
            return PasswordChangePayload(errors=account_errors(error))
        return PasswordChangePayload(user=user_or_none(user))

    @strawberry.mutation(
        description="Change the signed-in user's names; an argument left out stays.",
        permission_classes=[IsAuthenticated],
    )
    async def account_update(
        self,
        info: Info,
        first_name: Annotated[
            str | None,
            bounded_argument(
                description="Given name; empty clears it.",
                max_length=model_max_length(UserModel, "first_name"),
            ),
        ] = None,
        last_name: Annotated[
            str | None,
            bounded_argument(
                description="Family name; empty clears it.",
                max_length=model_max_length(UserModel, "last_name"),
            ),
        ] = None,
    ) -> AccountUpdatePayload | None:
        viewer = await info.context.auser()
        assert viewer.pk is not None  # IsAuthenticated let only users through
        try:
            user = await sync_to_async(services.account_update)(
                user_id=viewer.pk, first_name=first_name, last_name=last_name
            )
        except DomainAccountError as error:
            return AccountUpdatePayload(errors=account_errors(error))
        return AccountUpdatePayload(user=user_or_none(user))

    @strawberry.mutation(
        description=(
            "Email the signed-in user a new verification link (as Saleor's "
            "sendConfirmationEmail). ALREADY_VERIFIED once verified; at most 3 an "
            "hour (THROTTLED, with a Retry-After header)."
        ),
        permission_classes=[IsAuthenticated],
    )
    async def send_confirmation_email(
        self, info: Info
    ) -> SendConfirmationEmailPayload | None:
        viewer = await info.context.auser()
        assert viewer.pk is not None  # IsAuthenticated let only users through
        try:
            await sync_to_async(services.verification_email_resend)(user_id=viewer.pk)
        except DomainAccountError as error:
            throttle_retry_after(info, error)
            return SendConfirmationEmailPayload(errors=account_errors(error))
        return SendConfirmationEmailPayload()
