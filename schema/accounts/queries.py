from __future__ import annotations

import strawberry

from schema.accounts.types import User
from schema.context import Info


@strawberry.type
class AccountQuery:
    @strawberry.field(
        description=(
            "The signed-in user (bearer token, or the session in GraphiQL); null "
            "when nobody is signed in. A bad or expired bearer token is an error "
            "(INVALID_TOKEN, TOKEN_EXPIRED), never a fallback to the session."
        )
    )
    async def me(self, info: Info) -> User | None:
        user = await info.context.auser()
        if not user.is_authenticated:
            return None
        return User.from_model(user)
