from __future__ import annotations

import strawberry


@strawberry.input(description="A new customer account.")
class AccountRegisterInput:
    email: str = strawberry.field(
        description="Email address; stored lower-case, unique in any case."
    )
    password: str = strawberry.field(
        description=(
            "At least 8 characters, not all digits, not a common password, not "
            "too like the email or name."
        )
    )
    full_name: str = strawberry.field(
        default="", description="Name to address the user by (at most 200 characters)."
    )
