"""What a customer may change about themselves: their names."""

from __future__ import annotations

from django.db import transaction

from apps.accounts.errors import AccountError, AccountErrorCode
from apps.accounts.models import User


def names_check(*, first_name: str, last_name: str) -> None:
    """Refuse a first or last name longer than the column holds.

    Raises:
        AccountError: NAME_TOO_LONG, on the field that is.
    """
    for field, value in (("first_name", first_name), ("last_name", last_name)):
        limit = getattr(User._meta.get_field(field), "max_length", None)
        if limit is not None and len(value) > limit:
            raise AccountError(
                AccountErrorCode.NAME_TOO_LONG,
                f"Use at most {limit} characters.",
                field=field,
            )


def account_update(
    *, user_id: int, first_name: str | None = None, last_name: str | None = None
) -> User:
    """Change the names given (stripped); None leaves a name as it is.

    Raises:
        AccountError: NAME_TOO_LONG.
    """
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user_id)
        first = user.first_name if first_name is None else first_name.strip()
        last = user.last_name if last_name is None else last_name.strip()
        names_check(first_name=first, last_name=last)
        user.first_name, user.last_name = first, last
        user.save(update_fields=["first_name", "last_name"])
    return user
