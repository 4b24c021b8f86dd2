"""The typed per-request context every resolver receives."""

from __future__ import annotations

from dataclasses import dataclass, field

import strawberry
from django.http import HttpRequest, HttpResponse

from schema.loaders.container import Loaders


@dataclass
class Context:
    request: HttpRequest
    response: HttpResponse
    request_id: str | None
    loaders: Loaders = field(default_factory=Loaders)


Info = strawberry.Info[Context, None]
