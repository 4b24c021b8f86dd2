"""Coarse gates for fields: who may ask at all. Row-level rules live in selectors."""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission

from schema.context import Info


class IsAuthenticated(BasePermission):
    """Allow signed-in users (bearer token or session) only."""

    message = "Sign in first: send a bearer access token."
    error_extensions = {"code": "UNAUTHENTICATED"}  # noqa: RUF012

    async def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        user = await info.context.auser()
        return bool(user.is_authenticated)


class IsStaff(BasePermission):
    """Allow active staff users only."""

    message = "Only staff may see this."
    error_extensions = {"code": "FORBIDDEN"}  # noqa: RUF012

    async def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        user = await info.context.auser()
        return bool(user.is_authenticated and user.is_active and user.is_staff)
