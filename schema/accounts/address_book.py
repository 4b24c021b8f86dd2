"""Address book mutations: save, change, delete, and choose the default."""

from __future__ import annotations

from typing import Annotated

import strawberry
from asgiref.sync import sync_to_async

from apps.accounts import services
from apps.accounts.errors import AccountError as DomainAccountError
from apps.accounts.models import User as UserModel
from apps.core.addresses import Address
from schema.accounts.mutations import ERRORS_DESCRIPTION, account_errors, user_or_none
from schema.accounts.types import AccountAddress, AccountError, User
from schema.context import Info
from schema.core.ids import decode_global_id
from schema.core.permissions import IsAuthenticated
from schema.orders.inputs import ShippingAddressInput

_ID = "An `AccountAddress` ID of yours; another's is ADDRESS_NOT_FOUND."


@strawberry.type(
    description="The result of accountAddressCreate or accountAddressUpdate."
)
class AccountAddressPayload:
    address: AccountAddress | None = strawberry.field(
        default=None, description="The address as saved; null when errors is not empty."
    )
    user: User | None = strawberry.field(
        default=None, description="The account (its default may have changed)."
    )
    errors: list[AccountError] = strawberry.field(
        default_factory=list, description=ERRORS_DESCRIPTION
    )


@strawberry.type(
    description="The result of accountAddressDelete or accountSetDefaultShippingAddress."
)
class AccountAddressBookPayload:
    user: User | None = strawberry.field(
        default=None, description="The account; null when errors is not empty."
    )
    errors: list[AccountError] = strawberry.field(
        default_factory=list, description=ERRORS_DESCRIPTION
    )


async def _viewer(info: Info) -> UserModel:
    viewer = await info.context.auser()
    assert isinstance(viewer, UserModel)  # IsAuthenticated let only users through
    return viewer


@strawberry.type
class AccountAddressMutation:
    @strawberry.mutation(
        description=(
            "Save an address in the signed-in user's address book (at most 20), "
            "the same shape as orderCreate's shippingAddress. The first one saved, "
            "or one saved with setAsDefault, becomes the default shipping address."
        ),
        permission_classes=[IsAuthenticated],
    )
    async def account_address_create(
        self,
        info: Info,
        input: Annotated[
            ShippingAddressInput, strawberry.argument(description="The address.")
        ],
        set_as_default: Annotated[
            bool,
            strawberry.argument(description="Make it the default shipping address."),
        ] = False,
    ) -> AccountAddressPayload | None:
        viewer = await _viewer(info)
        try:
            saved = await sync_to_async(services.account_address_create)(
                user_id=viewer.pk,
                address=Address(**vars(input)),
                make_default=set_as_default,
            )
        except DomainAccountError as error:
            return AccountAddressPayload(errors=account_errors(error))
        return AccountAddressPayload(
            address=AccountAddress.from_model(saved), user=user_or_none(viewer)
        )

    @strawberry.mutation(
        description="Replace the fields of one of your saved addresses.",
        permission_classes=[IsAuthenticated],
    )
    async def account_address_update(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description=_ID)],
        input: Annotated[
            ShippingAddressInput, strawberry.argument(description="The new fields.")
        ],
    ) -> AccountAddressPayload | None:
        viewer = await _viewer(info)
        address_id = decode_global_id(id, expected="Address", field="id")
        try:
            saved = await sync_to_async(services.account_address_update)(
                user_id=viewer.pk, address_id=address_id, address=Address(**vars(input))
            )
        except DomainAccountError as error:
            return AccountAddressPayload(errors=account_errors(error))
        return AccountAddressPayload(
            address=AccountAddress.from_model(saved), user=user_or_none(viewer)
        )

    @strawberry.mutation(
        description="Delete one of your saved addresses; if it was the default, none is.",
        permission_classes=[IsAuthenticated],
    )
    async def account_address_delete(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description=_ID)],
    ) -> AccountAddressBookPayload | None:
        viewer = await _viewer(info)
        address_id = decode_global_id(id, expected="Address", field="id")
        try:
            await sync_to_async(services.account_address_delete)(
                user_id=viewer.pk, address_id=address_id
            )
        except DomainAccountError as error:
            return AccountAddressBookPayload(errors=account_errors(error))
        return AccountAddressBookPayload(user=user_or_none(viewer))

    @strawberry.mutation(
        description="Make one of your saved addresses the default shipping address.",
        permission_classes=[IsAuthenticated],
    )
    async def account_set_default_shipping_address(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description=_ID)],
    ) -> AccountAddressBookPayload | None:
        viewer = await _viewer(info)
        address_id = decode_global_id(id, expected="Address", field="id")
        try:
            user = await sync_to_async(services.account_default_shipping_address_set)(
                user_id=viewer.pk, address_id=address_id
            )
        except DomainAccountError as error:
            return AccountAddressBookPayload(errors=account_errors(error))
        return AccountAddressBookPayload(user=user_or_none(user))
