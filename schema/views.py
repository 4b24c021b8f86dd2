"""The async GraphQL endpoint."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from strawberry.django.views import AsyncGraphQLView

from apps.core.request_context import current_request_id
from schema.api import schema
from schema.context import Context


class GraphQLView(AsyncGraphQLView[Context, None]):
    """Strawberry's async view with our context and a GraphiQL served locally."""

    schema = schema

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            schema=schema,
            graphql_ide="graphiql" if settings.GRAPHQL_IDE else None,
            allow_queries_via_get=True,
            **kwargs,
        )

    async def get_context(
        self, request: HttpRequest, response: HttpResponse
    ) -> Context:
        return Context(
            request=request, response=response, request_id=current_request_id()
        )

    async def render_graphql_ide(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse(render_to_string("graphql/graphiql.html", request=request))
