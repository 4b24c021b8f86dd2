"""A span and a count for every GraphQL operation; resolver spans on request.

The operation span (`query products`) carries the operation's name and type,
the SHA-256 of its document and its cost; the document text itself is never
recorded, since literals in it may be personal data. It is current while the
operation runs, so the SQL and Redis spans nest under it.

Written here rather than taken from strawberry's OpenTelemetryExtension,
which records the whole document text, opens a second SERVER span and does
not make it current. Its resolver spans are reused, with arguments left out
(GRAPHQL_TRACE_RESOLVERS, off by default: a span per field is costly).

Metric labels stay bounded: the operation name only for trusted documents
(the manifest declares them), and the root field only for a valid document
(the schema declares those).
"""

from __future__ import annotations

import hashlib
from collections.abc import Generator, Iterator
from typing import Any

from graphql import FieldNode, GraphQLResolveInfo, get_operation_ast
from opentelemetry import context, trace
from strawberry.extensions import SchemaExtension
from strawberry.extensions.tracing import OpenTelemetryExtension
from strawberry.types import ExecutionContext

from apps.core import metrics
from schema.context import Context

tracer = trace.get_tracer("fashionistar.graphql")

UNKNOWN = "unknown"
OTHER = "other"
REJECTED = "rejected"


class OperationTelemetry(SchemaExtension):
    """Count each operation by outcome; with tracing on, wrap it in a span."""

    def __init__(self, *, tracing: bool = False) -> None:
        self.tracing = tracing

    def on_operation(self) -> Iterator[None]:
        span, attached = None, None
        if self.tracing:
            span = tracer.start_span("graphql operation")
            attached = context.attach(trace.set_span_in_context(span))
        try:
            yield
        finally:
            execution = self.execution_context
            kind = _operation_type(execution)
            outcome = _outcome(execution)
            # Only a document that ran was valid: its names are the schema's.
            ran = outcome != REJECTED
            metrics.graphql_operations.labels(
                _trusted_name(execution) if ran else OTHER,
                _root_field(execution) if ran else UNKNOWN,
                kind,
                outcome,
            ).inc()
            if span is not None and attached is not None:
                _describe(span, execution, kind, outcome)
                span.end()
                context.detach(attached)


def _operation_type(execution: ExecutionContext) -> str:
    try:
        return str(execution.operation_type.value)
    except RuntimeError:  # no document: it did not parse
        return UNKNOWN


def _outcome(execution: ExecutionContext) -> str:
    """`ok`, `error` (data with field errors), or `rejected` (it never ran).

    Strawberry also files execution errors under `pre_execution_errors`, so
    the result decides: field errors carry a path, request errors never do.
    """
    result = execution.result
    if result is None:
        return REJECTED
    if not result.errors:
        return "ok"
    ran = any(getattr(error, "path", None) for error in result.errors)
    return "error" if ran or result.data is not None else REJECTED


def _trusted_name(execution: ExecutionContext) -> str:
    name = execution.operation_name
    request_context = execution.context
    trusted = isinstance(request_context, Context) and request_context.trusted_document
    return name if name and trusted else OTHER


def _root_field(execution: ExecutionContext) -> str:
    document = execution.graphql_document
    if document is None:
        return UNKNOWN
    operation = get_operation_ast(document, execution.operation_name)
    if operation is None:
        return UNKNOWN
    for selection in operation.selection_set.selections:
        if isinstance(selection, FieldNode):
            return selection.name.value
    return OTHER  # a fragment spread at the root


def _describe(
    span: trace.Span, execution: ExecutionContext, kind: str, outcome: str
) -> None:
    name = execution.operation_name
    span.update_name(f"{kind} {name}" if name else kind)
    span.set_attribute("graphql.operation.type", kind)
    if name:
        span.set_attribute("graphql.operation.name", name)
    if execution.query:
        digest = hashlib.sha256(execution.query.encode()).hexdigest()
        span.set_attribute("graphql.document.hash", digest)
    span.set_attribute("graphql.outcome", outcome)
    request_context = execution.context
    cost = request_context.cost if isinstance(request_context, Context) else None
    if cost:
        for key in ("requestedQueryCost", "actualQueryCost"):
            if isinstance(value := cost.get(key), int):
                span.set_attribute(f"graphql.cost.{key}", value)
    if outcome != "ok":
        span.set_status(trace.StatusCode.ERROR, outcome)


def _no_arguments(
    args: dict[str, Any], info: GraphQLResolveInfo[Any]
) -> dict[str, Any]:
    return {}  # arguments may be personal data (emails, addresses)


class ResolverTracing(OpenTelemetryExtension):
    """A span per resolver, under the operation span (GRAPHQL_TRACE_RESOLVERS)."""

    def __init__(self, *, execution_context: ExecutionContext | None = None) -> None:
        super().__init__(execution_context=execution_context, arg_filter=_no_arguments)

    def on_operation(self) -> Generator[None, None, None]:
        from strawberry.extensions import LifecycleStep

        # Parent the resolver spans to OperationTelemetry's current span.
        self._span_holder[LifecycleStep.OPERATION] = trace.get_current_span()
        yield

    def on_parse(self) -> Generator[None, None, None]:
        yield

    def on_validate(self) -> Generator[None, None, None]:
        yield
