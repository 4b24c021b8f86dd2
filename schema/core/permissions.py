"""Coarse gates for fields: who may ask at all. Row-level rules live in selectors.

The rule for every gated field (docs/graphql.md, "Who may call what"): an
anonymous caller gets a top-level `UNAUTHENTICATED` error, a signed-in caller
without the role a top-level `FORBIDDEN`, and the field is null. Payload
`errors` never say "not permitted".
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError
from strawberry.permission import BasePermission

from schema.context import Info
from schema.core.errors import FORBIDDEN, UNAUTHENTICATED

UNAUTHENTICATED_MESSAGE = "Sign in first: send a bearer access token."


class IsAuthenticated(BasePermission):
    """Allow signed-in users (bearer token or session) only."""

    message = UNAUTHENTICATED_MESSAGE
    error_extensions = {"code": UNAUTHENTICATED}  # noqa: RUF012

    async def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        user = await info.context.auser()
        return bool(user.is_authenticated)


class IsAuthenticatedOrHoldsToken(IsAuthenticated):
    """Allow signed-in users, and anyone passing a guest's `token` argument.

    The token is checked against the row by the service (a wrong one looks
    like a missing row); without one, the caller must sign in, and is told
    so in the same words as everywhere.
    """

    async def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        if kwargs.get("token"):
            return True
        return await super().has_permission(source, info, **kwargs)


class IsStaff(BasePermission):
    """Allow active staff users only; anonymous callers are asked to sign in."""

    message = "Only staff may do this."
    error_extensions = {"code": FORBIDDEN}  # noqa: RUF012

    async def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        user = await info.context.auser()
        if not user.is_authenticated:
            # Who the caller is comes before what they may do.
            raise GraphQLError(
                UNAUTHENTICATED_MESSAGE, extensions={"code": UNAUTHENTICATED}
            )
        return bool(user.is_active and user.is_staff)
