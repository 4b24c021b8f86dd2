"""Builds the one GraphQL schema from each domain's Query/Mutation types and extensions."""

from __future__ import annotations

from collections.abc import Callable

import strawberry
from django.conf import settings
from strawberry.extensions import (
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig

from apps.core.telemetry import tracing_enabled
from schema.accounts.address_book import AccountAddressMutation
from schema.accounts.mutations import AccountMutation
from schema.accounts.queries import AccountQuery
from schema.accounts.self_service import AccountSelfServiceMutation
from schema.catalog import documents
from schema.catalog.collections import CollectionQuery
from schema.catalog.media_mutations import ProductMediaMutation
from schema.catalog.queries import CatalogQuery
from schema.catalog.suggestions import SuggestionQuery
from schema.checkout.mutations import CheckoutMutation
from schema.checkout.queries import CheckoutQuery
from schema.core import plans
from schema.core.cost_limits import query_cost
from schema.core.execution import FastLeafExecutionContext
from schema.core.input_checks import InputChecks
from schema.core.limits import (
    DocumentLimits,
    ErrorPolicy,
    IntrospectionSwitch,
    OperationNameCheck,
    QuietSchema,
)
from schema.core.node import NodeQuery
from schema.core.telemetry import OperationTelemetry, ResolverTracing
from schema.http.availability import DatabaseAvailability
from schema.orders.mutations import OrderMutation
from schema.orders.queries import OrderQuery
from schema.payments.mutations import PaymentMutation
from schema.pricing.vouchers import VoucherMutation
from schema.reports.queries import ReportQuery
from schema.reports.snapshots import ReportMutation, ReportSnapshotQuery


@strawberry.type(
    description=(
        "Reads: the catalog, the signed-in user, orders, and any object by its "
        "global ID."
    )
)
class Query(
    NodeQuery,
    CatalogQuery,
    CollectionQuery,
    SuggestionQuery,
    AccountQuery,
    OrderQuery,
    CheckoutQuery,
    ReportQuery,
    ReportSnapshotQuery,
):
    pass


# Each domain adds its mutations as one more base class.
@strawberry.type(description="Writes: accounts, sign-in and orders.")
class Mutation(
    AccountMutation,
    AccountSelfServiceMutation,
    AccountAddressMutation,
    OrderMutation,
    CheckoutMutation,
    PaymentMutation,
    ReportMutation,
    VoucherMutation,
    ProductMediaMutation,
):
    pass


# Read once: tracing is a process-wide choice (apps/core/telemetry.py).
_TRACING = tracing_enabled()

# Factories run per request and read settings then, never at import. The
# parser and validation caches are module-level LRUs shared by every instance.
EXTENSIONS: list[Callable[[], SchemaExtension]] = [
    # First, so its span and its count enclose everything below.
    lambda: OperationTelemetry(tracing=_TRACING),
    lambda: ParserCache(maxsize=512),
    lambda: MaxTokensLimiter(max_token_count=settings.GRAPHQL_MAX_TOKENS),
    lambda: ValidationCache(maxsize=512),
    OperationNameCheck,  # after ValidationCache: it adds to its errors
    InputChecks,  # after ValidationCache: it walks only valid documents
    DocumentLimits,
    IntrospectionSwitch,
    # Prices the valid document and charges the caller before execution;
    # its refusals are request errors that ErrorPolicy leaves as they are.
    query_cost,
    ErrorPolicy,
    # Last, so its end-of-execution check sees errors before ErrorPolicy
    # masks them: a database outage becomes one SERVICE_UNAVAILABLE (503).
    DatabaseAvailability,
]
if _TRACING and settings.GRAPHQL_TRACE_RESOLVERS:
    EXTENSIONS.append(ResolverTracing)

# Product nodes whose every field PostgreSQL can write come back as JSON
# documents, one statement per page (schema/catalog/documents.py).
plans.BULK_READERS["Product"] = documents.reader
plans.BULK_READERS["ProductConnection"] = documents.connection_reader

schema = QuietSchema(
    query=Query,
    mutation=Mutation,
    extensions=EXTENSIONS,
    config=StrawberryConfig(relay_max_results=settings.GRAPHQL_MAX_PAGE_SIZE),
    execution_context_class=FastLeafExecutionContext,
)
