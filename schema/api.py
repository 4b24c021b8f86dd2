"""Builds the one GraphQL schema from each domain's Query type and extensions."""

from __future__ import annotations

from collections.abc import Callable

import strawberry
from django.conf import settings
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig

from schema.catalog.queries import CatalogQuery
from schema.core.limits import MaskUnexpectedErrors, MaxRootMutationsRule
from schema.core.node import NodeQuery


@strawberry.type(description="Reads: the catalog, and any object by its global ID.")
class Query(NodeQuery, CatalogQuery):
    pass


def _extensions() -> list[Callable[[], SchemaExtension]]:
    extensions: list[Callable[[], SchemaExtension]] = [
        # Parsing and validating are pure functions of the document text; the
        # caches live at module level inside these extensions, so a factory
        # per request still shares them.
        lambda: ParserCache(maxsize=256),
        lambda: MaxTokensLimiter(max_token_count=settings.GRAPHQL_MAX_TOKENS),
        lambda: ValidationCache(maxsize=256),
        lambda: QueryDepthLimiter(max_depth=settings.GRAPHQL_MAX_DEPTH),
        lambda: MaxAliasesLimiter(max_alias_count=settings.GRAPHQL_MAX_ALIASES),
        lambda: AddValidationRules([MaxRootMutationsRule]),
        MaskUnexpectedErrors,
    ]
    if not settings.GRAPHQL_INTROSPECTION:
        extensions.append(DisableIntrospection)
    return extensions


schema = strawberry.Schema(
    query=Query,
    extensions=_extensions(),
    config=StrawberryConfig(
        disable_field_suggestions=not settings.GRAPHQL_INTROSPECTION,
    ),
)
