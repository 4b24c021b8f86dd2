"""Protection from hostile documents, as Strawberry extensions and rules."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from functools import cache
from typing import Any

import strawberry
from django.conf import settings
from graphql import (
    ASTValidationRule,
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    ValidationRule,
)
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaskErrors,
    SchemaExtension,
    query_depth_limiter,
)
from strawberry.extensions import max_aliases as max_aliases_module
from strawberry.relay import GlobalIDValueError
from strawberry.types import ExecutionResult

from schema.core.redaction import value_free

logger = logging.getLogger("fashionistar.graphql")


class MaxRootMutationsRule(ValidationRule):
    """Refuse an operation that runs more than GRAPHQL_MAX_ROOT_MUTATIONS mutations."""

    def enter_operation_definition(
        self, node: OperationDefinitionNode, *_: Any
    ) -> None:
        if node.operation != OperationType.MUTATION:
            return
        limit = settings.GRAPHQL_MAX_ROOT_MUTATIONS
        count = self._count(node.selection_set, set())
        if count > limit:
            self.report_error(
                GraphQLError(
                    f"An operation may run at most {limit} mutations; this one runs {count}.",
                    node,
                    extensions={"code": "TOO_MANY_MUTATIONS"},
                )
            )

    def _count(self, selection_set: SelectionSetNode, seen: set[str]) -> int:
        count = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                count += 1
            elif isinstance(selection, InlineFragmentNode):
                count += self._count(selection.selection_set, seen)
            elif (
                isinstance(selection, FragmentSpreadNode)
                and selection.name.value not in seen
            ):
                seen.add(selection.name.value)
                fragment = self.context.get_fragment(selection.name.value)
                if fragment is not None:
                    count += self._count(fragment.selection_set, seen)
        return count


@cache
def _document_rules(
    max_depth: int, max_aliases: int
) -> tuple[type[ASTValidationRule], ...]:
    return (
        query_depth_limiter.create_validator(max_depth, None, None),
        max_aliases_module.create_validator(max_aliases),
        MaxRootMutationsRule,
    )


class DocumentLimits(AddValidationRules):
    """Caps on depth, aliases and root mutations.

    Strawberry's QueryDepthLimiter and MaxAliasesLimiter build a new rule class
    per instance, and extensions are built per request, so the validation cache
    (keyed by the rule classes) would never hit. The classes are built once.
    """

    def __init__(self) -> None:
        super().__init__(
            list(
                _document_rules(
                    settings.GRAPHQL_MAX_DEPTH, settings.GRAPHQL_MAX_ALIASES
                )
            )
        )


class IntrospectionSwitch(DisableIntrospection):
    """Refuse introspection unless settings.GRAPHQL_INTROSPECTION is on."""

    def on_operation(self) -> Iterator[None]:
        if settings.GRAPHQL_INTROSPECTION:
            yield
        else:
            yield from super().on_operation()


class OperationNameCheck(SchemaExtension):
    """Refuse a document of several operations that names none to run.

    Strawberry would quietly run the first one; the GraphQL spec
    (GetOperation) makes this a request error. Must come after
    ValidationCache, which sets the validation errors this one adds to.
    """

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        # operation_name falls back to the first operation; what was asked is private.
        if context._provided_operation_name is None and document is not None:
            operations = [
                d
                for d in document.definitions
                if isinstance(d, OperationDefinitionNode)
            ]
            if len(operations) > 1:
                error = GraphQLError(
                    "The document has several operations: name one in operationName.",
                    extensions={"code": "OPERATION_NAME_REQUIRED"},
                )
                context.pre_execution_errors = [
                    *(context.pre_execution_errors or []),
                    error,
                ]
        yield


def is_unexpected(error: GraphQLError) -> bool:
    """True for errors caused by a bug rather than by the request."""
    original = error.original_error
    return original is not None and not isinstance(
        original, (GraphQLError, GlobalIDValueError)
    )


class ErrorPolicy(MaskErrors):
    """Give every expected error a code; hide bugs behind a generic message.

    Bugs are logged in full (with the request id, through the logging
    filter); request errors are the client's business and are not logged,
    and their messages never quote the request's values (redaction.py).
    """

    def __init__(self) -> None:
        super().__init__(
            should_mask_error=is_unexpected, error_message="Internal server error."
        )

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        cap = settings.GRAPHQL_MAX_VALIDATION_ERRORS
        if len(errors) > cap:
            # graphql-core stops after 100 and appends its own "too many" note.
            errors = [*errors[: cap - 1], errors[-1]]
        hide_suggestions = not settings.GRAPHQL_INTROSPECTION
        for error in errors:
            if hide_suggestions:
                strawberry.Schema.remove_field_suggestion(error)
            if is_unexpected(error):
                _log_unexpected(error)
            elif isinstance(error.original_error, GlobalIDValueError):
                error.extensions = {"code": "INVALID_ID"}
            if error.path is None:  # a request error: validation or variables
                error.message = value_free(error.message)
        return super()._process_errors(errors)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        masked = super().anonymise_error(error)
        masked.extensions = {"code": INTERNAL_SERVER_ERROR}
        return masked


INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


def _log_unexpected(error: GraphQLError) -> None:
    """Log a bug with its traceback; the logging filter adds the request id."""
    logger.error(
        "graphql unexpected error",
        exc_info=error.original_error,
        extra={"path": error.path},
    )


def _escaped_bugs_masked(result: ExecutionResult) -> ExecutionResult:
    """Mask and log the bugs that reached the result without ErrorPolicy.

    An exception raised inside an extension's hook unwinds every extension,
    ErrorPolicy included, and Strawberry turns it into an error afterwards,
    carrying the raw message. ErrorPolicy has already masked every other
    bug, dropping `original_error`, so nothing is logged twice.
    """
    if result.errors and any(is_unexpected(error) for error in result.errors):
        result.errors = [
            _masked_and_logged(error) if is_unexpected(error) else error
            for error in result.errors
        ]
    return result


def _masked_and_logged(error: GraphQLError) -> GraphQLError:
    _log_unexpected(error)
    return GraphQLError(
        "Internal server error.",
        path=error.path,
        extensions={"code": INTERNAL_SERVER_ERROR},
    )


class QuietSchema(strawberry.Schema):
    """A schema that leaves error logging to ErrorPolicy.

    Strawberry logs every error with a traceback, including a client's typo;
    only bugs deserve a log line. A bug in an extension, which escapes
    ErrorPolicy, is masked and logged here the same way.
    """

    async def execute(self, *args: Any, **kwargs: Any) -> ExecutionResult:
        return _escaped_bugs_masked(await super().execute(*args, **kwargs))

    def execute_sync(self, *args: Any, **kwargs: Any) -> ExecutionResult:
        return _escaped_bugs_masked(super().execute_sync(*args, **kwargs))

    def process_errors(
        self, errors: list[GraphQLError], execution_context: Any = None
    ) -> None:
        return None
