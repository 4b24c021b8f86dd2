"""Protection from hostile documents, as Strawberry extensions and rules."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    ValidationRule,
)
from strawberry.extensions import MaskErrors

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


def is_unexpected(error: GraphQLError) -> bool:
    """True for errors caused by a bug rather than by the request."""
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError)


class MaskUnexpectedErrors(MaskErrors):
    """Hide bugs from clients behind a generic message; log them in full."""

    def __init__(self) -> None:
        super().__init__(
            should_mask_error=self._mask, error_message="Internal server error."
        )

    @staticmethod
    def _mask(error: GraphQLError) -> bool:
        if not is_unexpected(error):
            return False
        logger.error(
            "graphql unexpected error",
            exc_info=error.original_error,
            extra={"path": error.path},
        )
        return True

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        masked = super().anonymise_error(error)
        masked.extensions = {"code": "INTERNAL_SERVER_ERROR"}
        return masked
