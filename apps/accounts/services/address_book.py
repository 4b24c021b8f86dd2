"""A customer's address book: saved addresses and the default shipping one.

Another customer's address is treated as missing (ADDRESS_NOT_FOUND), so an
id says nothing about whose it is. The book is capped: it is a list to pick
from at checkout, not storage.
"""

from __future__ import annotations

from dataclasses import asdict

from django.db import transaction

from apps.accounts.errors import AccountError, AccountErrorCode
from apps.accounts.models import Address, User
from apps.core.addresses import Address as AddressFields
from apps.core.addresses import address_field_problems, address_normalised

ADDRESS_BOOK_MAX = 20


def account_address_create(
    *, user_id: int, address: AddressFields, make_default: bool = False
) -> Address:
    """Save an address for the user; the first one saved becomes the default.

    Raises:
        AccountError: INVALID_ADDRESS, ADDRESS_BOOK_FULL.
    """
    fields = _checked(address)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user_id)
        if Address.objects.filter(user=user).count() >= ADDRESS_BOOK_MAX:
            raise AccountError(
                AccountErrorCode.ADDRESS_BOOK_FULL,
                f"The address book holds at most {ADDRESS_BOOK_MAX} addresses.",
            )
        saved = Address.objects.create(user=user, **asdict(fields))
        if make_default or user.default_shipping_address_id is None:
            user.default_shipping_address = saved
            user.save(update_fields=["default_shipping_address"])
    return saved


def account_address_update(
    *, user_id: int, address_id: int, address: AddressFields
) -> Address:
    """Replace the fields of one of the user's addresses.

    Raises:
        AccountError: INVALID_ADDRESS, ADDRESS_NOT_FOUND.
    """
    fields = _checked(address)
    with transaction.atomic():
        saved = _own(user_id, address_id, lock=True)
        for name, value in asdict(fields).items():
            setattr(saved, name, value)
        saved.save()
    return saved


def account_address_delete(*, user_id: int, address_id: int) -> None:
    """Delete one of the user's addresses (the default is then unset).

    Raises:
        AccountError: ADDRESS_NOT_FOUND.
    """
    with transaction.atomic():
        _own(user_id, address_id, lock=True).delete()


def account_default_shipping_address_set(*, user_id: int, address_id: int) -> User:
    """Make one of the user's addresses their default shipping address.

    Raises:
        AccountError: ADDRESS_NOT_FOUND.
    """
    with transaction.atomic():
        address = _own(user_id, address_id, lock=False)
        user = User.objects.select_for_update().get(pk=user_id)
        user.default_shipping_address = address
        user.save(update_fields=["default_shipping_address"])
    return user


def _checked(address: AddressFields) -> AddressFields:
    normalised = address_normalised(address)
    problems = address_field_problems(normalised)
    if problems:
        name, message = problems[0]
        raise AccountError(
            AccountErrorCode.INVALID_ADDRESS, message, field=f"input.{name}"
        )
    return normalised


def _own(user_id: int, address_id: int, *, lock: bool) -> Address:
    rows = Address.objects.filter(pk=address_id, user_id=user_id)
    found = (rows.select_for_update() if lock else rows).first()
    if found is None:
        raise AccountError(
            AccountErrorCode.ADDRESS_NOT_FOUND, "You have no address with this ID."
        )
    return found
