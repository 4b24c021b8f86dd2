from __future__ import annotations

import strawberry

from apps.accounts.models import User
from schema.core.input_checks import bounded_field, model_max_length


@strawberry.input(description="A new customer account.")
class AccountRegisterInput:
    email: str = bounded_field(
        description="Email address; stored lower-case, unique in any case.",
        max_length=model_max_length(User, "email"),
    )
    password: str = strawberry.field(
        description=(
            "At least 8 characters, not all digits, not a common password, not "
            "too like the email or names."
        )
    )
    first_name: str = bounded_field(
        default="",
        description="Given name, used to greet the user; may be empty.",
        max_length=model_max_length(User, "first_name"),
    )
    last_name: str = bounded_field(
        default="",
        description="Family name; may be empty.",
        max_length=model_max_length(User, "last_name"),
    )
