"""One rule at the GraphQL boundary for every string and list an operation passes.

Each String or ID argument and input field, inline or through a variable, in
nested inputs and lists alike, is checked after validation and before
anything executes: no NUL or lone surrogate (PostgreSQL text cannot hold
them; the check and its message are apps.core.strict_json's, shared with
request bodies) and no more characters than its limit. The limit is the one
declared with `bounded_field`/`bounded_argument` (usually a model column's
max_length, which also writes it into the description), or
FREE_TEXT_MAX_LENGTH for a string that declares none. A breach is a
BAD_USER_INPUT request error naming the argument path in `extensions.field`,
never the value. A list may hold at most LIST_MAX_ITEMS items, whatever its
own rules say below that (an order's 50 lines are the service's rule).

graphql-core validation rules see the document but not the variables, and
the validation cache would keep their verdict across requests, so this runs
as a Strawberry extension after validation instead.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import strawberry
from django.db import models
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLArgument,
    GraphQLError,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    ListValueNode,
    Node,
    ObjectValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    ValueNode,
    VariableNode,
    get_named_type,
    get_operation_ast,
)
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document
from strawberry.schema.schema_converter import GraphQLCoreConverter

from apps.core.strict_json import StrictJSONError, check_value
from schema.core.errors import InputErrorCode

# Any string without a declared limit: search text, tokens, cursors, IDs.
# Far above every real value, far below the 1 MiB request body cap.
FREE_TEXT_MAX_LENGTH = 1000
# Any list argument or input field, like FREE_TEXT_MAX_LENGTH: far above
# every real list (an order's 50 lines, `nodes`' 100 IDs, which keep their own
# codes below it). A longer list is refused here, before GraphQL coerces and
# Strawberry converts each item (15,000 order lines took 0.8 s of CPU to
# convert before the resolver could refuse them as TOO_MANY_LINES).
LIST_MAX_ITEMS = 1000

_MAX_LENGTH = "max_length"  # key in a Strawberry field's or argument's metadata

__all__ = [
    "FREE_TEXT_MAX_LENGTH",
    "LIST_MAX_ITEMS",
    "InputChecks",
    "bounded_argument",
    "bounded_field",
    "model_max_length",
    "operation_input_errors",
]


def model_max_length(model: type[models.Model], name: str) -> int:
    """Return the max_length of a model's text column: the limit's one source."""
    limit = getattr(model._meta.get_field(name), "max_length", None)
    if limit is None:
        msg = f"{model.__name__}.{name} has no max_length"
        raise ValueError(msg)
    return int(limit)


def _described(description: str, max_length: int) -> str:
    return f"{description} At most {max_length} characters."


def bounded_field(*, description: str, max_length: int, **kwargs: Any) -> Any:
    """An input field limited to `max_length` characters, said in its description."""
    return strawberry.field(
        description=_described(description, max_length),
        metadata={_MAX_LENGTH: max_length},
        **kwargs,
    )


def bounded_argument(*, description: str, max_length: int, **kwargs: Any) -> Any:
    """An argument limited to `max_length` characters, said in its description."""
    return strawberry.argument(
        description=_described(description, max_length),
        metadata={_MAX_LENGTH: max_length},
        **kwargs,
    )


def _limit(definition: GraphQLArgument | GraphQLInputField) -> int:
    source = (definition.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    metadata: Mapping[str, Any] = getattr(source, "metadata", None) or {}
    return int(metadata.get(_MAX_LENGTH, FREE_TEXT_MAX_LENGTH))


def _dotted(path: tuple[str | int, ...]) -> str:
    return ".".join(str(part) for part in path)


@dataclass
class _Walk:
    """Collects the errors of one operation's arguments."""

    schema: GraphQLSchema
    variables: Mapping[str, Any]
    defaults: dict[str, ValueNode | None]
    fragments: dict[str, FragmentDefinitionNode]
    errors: list[GraphQLError] = field(default_factory=list)
    seen_fragments: set[str] = field(default_factory=set)

    def selections(self, parent: Any, selection_set: SelectionSetNode) -> None:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                self.field(parent, selection)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = (
                    self.schema.get_type(condition.name.value) if condition else parent
                )
                self.selections(target, selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                # A fragment's arguments are the same wherever it is spread.
                if fragment is None or name in self.seen_fragments:
                    continue
                self.seen_fragments.add(name)
                target = self.schema.get_type(fragment.type_condition.name.value)
                self.selections(target, fragment.selection_set)

    def field(self, parent: Any, node: FieldNode) -> None:
        fields = getattr(parent, "fields", None) or {}
        definition = fields.get(node.name.value)
        if definition is None:  # __typename and introspection
            return
        for argument in node.arguments or ():
            arg = definition.args.get(argument.name.value)
            if arg is not None:
                self.literal(
                    arg.type, argument.value, (argument.name.value,), _limit(arg)
                )
        if node.selection_set is not None:
            self.selections(get_named_type(definition.type), node.selection_set)

    def literal(
        self,
        type_: GraphQLInputType,
        node: ValueNode,
        path: tuple[str | int, ...],
        limit: int,
    ) -> None:
        if isinstance(type_, GraphQLNonNull):
            type_ = type_.of_type
        if isinstance(node, VariableNode):
            name = node.name.value
            if name in self.variables:
                self.value(type_, self.variables[name], path, limit, node)
            elif (default := self.defaults.get(name)) is not None:
                self.literal(type_, default, path, limit)
        elif isinstance(type_, GraphQLList):
            items = node.values if isinstance(node, ListValueNode) else (node,)
            if len(items) > LIST_MAX_ITEMS:
                self.too_many(path, node)
                return
            for index, item in enumerate(items):
                position = (*path, index) if isinstance(node, ListValueNode) else path
                self.literal(type_.of_type, item, position, limit)
        elif isinstance(type_, GraphQLInputObjectType):
            if isinstance(node, ObjectValueNode):
                for entry in node.fields or ():
                    definition = type_.fields.get(entry.name.value)
                    if definition is not None:
                        self.literal(
                            definition.type,
                            entry.value,
                            (*path, entry.name.value),
                            _limit(definition),
                        )
        elif isinstance(node, StringValueNode):
            self.text(node.value, path, limit, node)

    def value(
        self,
        type_: GraphQLInputType,
        value: object,
        path: tuple[str | int, ...],
        limit: int,
        node: Node,
    ) -> None:
        """Check a variable's JSON value at `path` against the argument's type."""
        if isinstance(type_, GraphQLNonNull):
            type_ = type_.of_type
        if isinstance(type_, GraphQLList):
            if isinstance(value, list) and len(value) > LIST_MAX_ITEMS:
                self.too_many(path, node)
            elif isinstance(value, list):
                for index, item in enumerate(value):
                    self.value(type_.of_type, item, (*path, index), limit, node)
            else:  # input coercion accepts one item for a list
                self.value(type_.of_type, value, path, limit, node)
        elif isinstance(type_, GraphQLInputObjectType):
            if isinstance(value, dict):
                for name, definition in type_.fields.items():
                    if name in value:
                        self.value(
                            definition.type,
                            value[name],
                            (*path, name),
                            _limit(definition),
                            node,
                        )
        elif isinstance(value, str):
            self.text(value, path, limit, node)

    def too_many(self, path: tuple[str | int, ...], node: Node) -> None:
        self.refuse(path, f"At most {LIST_MAX_ITEMS} items.", node)

    def refuse(self, path: tuple[str | int, ...], message: str, node: Node) -> None:
        self.errors.append(
            GraphQLError(
                f"{_dotted(path)}: {message}",
                node,
                extensions={
                    "code": str(InputErrorCode.BAD_USER_INPUT),
                    "field": _dotted(path),
                },
            )
        )

    def text(
        self, value: str, path: tuple[str | int, ...], limit: int, node: Node
    ) -> None:
        message = None
        try:
            check_value(value, "")
        except StrictJSONError as error:
            message = error.message
        if message is None and len(value) > limit:
            message = f"At most {limit} characters."
        if message is not None:
            self.refuse(path, message, node)


def operation_input_errors(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: dict[str, FragmentDefinitionNode],
    variables: Mapping[str, Any],
) -> list[GraphQLError]:
    """Return an error for each string argument the operation may not pass."""
    root: GraphQLObjectType | None = schema.get_root_type(operation.operation)
    if root is None:
        return []
    walk = _Walk(
        schema=schema,
        variables=variables,
        defaults={
            definition.variable.name.value: definition.default_value
            for definition in operation.variable_definitions or ()
        },
        fragments=fragments,
    )
    walk.selections(root, operation.selection_set)
    return walk.errors


class InputChecks(SchemaExtension):
    """Refuse NUL, lone surrogates and over-long strings in any argument.

    A document that failed validation is not walked. Placed after
    ValidationCache, it reads the cached verdict; without it, it validates.
    """

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and context.pre_execution_errors is None:
            context.pre_execution_errors = validate_document(
                context.schema._schema, document, tuple(context.validation_rules)
            )
        if document is not None and context.pre_execution_errors == []:
            operation = get_operation_ast(document, context._provided_operation_name)
            if operation is not None:
                fragments = {
                    d.name.value: d
                    for d in document.definitions
                    if isinstance(d, FragmentDefinitionNode)
                }
                errors = operation_input_errors(
                    context.schema._schema,
                    operation,
                    fragments,
                    context.variables or {},
                )
                if errors:
                    context.pre_execution_errors = errors
        yield
