"""The typed per-request context every resolver receives."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import strawberry
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse

from apps.accounts.errors import TokenError
from apps.accounts.models import User
from schema.core.errors import from_domain
from schema.http.auth import aviewer_for_request
from schema.loaders.container import Loaders

Viewer = User | AnonymousUser


@dataclass
class Context:
    request: HttpRequest
    response: HttpResponse
    request_id: str | None
    loaders: Loaders = field(default_factory=Loaders)
    # The operation's `extensions.cost`, once priced (schema/core/cost_limits.py).
    cost: dict[str, object] | None = None
    # Whether the document is in the trusted-documents manifest, as the view
    # admitted it (schema/core/trusted_documents.py); its name is then a label.
    trusted_document: bool = False
    # The viewer, looked up on first use: fields that never ask cost nothing.
    _viewer: asyncio.Task[Viewer | TokenError] | None = field(
        default=None, init=False, repr=False
    )

    async def auser(self) -> Viewer:
        """Return who is asking: the bearer token's user, else the session's.

        A request with an Authorization header is judged by it alone and never
        falls back to the session. A bad token raises INVALID_TOKEN or
        TOKEN_EXPIRED in the field that asked. Costs one query per request.
        """
        if self._viewer is None:
            self._viewer = asyncio.ensure_future(self._resolve_viewer())
        viewer = await self._viewer
        if isinstance(viewer, TokenError):
            raise from_domain(viewer)
        return viewer

    async def _resolve_viewer(self) -> Viewer | TokenError:
        try:
            return await aviewer_for_request(self.request)
        except TokenError as error:
            return error


Info = strawberry.Info[Context, None]
