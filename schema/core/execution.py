"""A faster path through graphql-core for plain leaf fields.

graphql-core spends about 10 µs on every field it resolves: a Path, a
ResolveInfo, the resolver wrapper, then complete_value. On a page of 50
products with their variants that is a thousand scalar fields read straight
off a row, and most of the request's CPU. Fields that Strawberry itself marks
as plain attribute reads (`_is_default`: no resolver, no permission, no
extension) that return a scalar or enum and take no arguments are read and
serialised here directly. Anything unusual (a null in a non-null field, a
serialisation error, resolver middleware) falls back to graphql-core's own
path, so errors look exactly the same. docs/benchmarks.md has the numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    get_nullable_type,
)
from graphql.execution.collect_fields import GroupedFieldSet
from graphql.pyutils import AwaitableOrValue, Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter

# (response name, read the value, serialise it, field is non-null)
FastField = tuple[str, Callable[[Any], Any], Callable[[Any], Any], bool]


def _fast_field(name: str, field: GraphQLField | None) -> FastField | None:
    """Return how to resolve `field` inline, or None if it needs graphql-core."""
    if field is None or field.args or not getattr(field.resolve, "_is_default", False):
        return None
    non_null = isinstance(field.type, GraphQLNonNull)
    leaf = get_nullable_type(field.type)
    definition = (field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if not isinstance(leaf, GraphQLScalarType | GraphQLEnumType) or definition is None:
        return None
    return (name, attrgetter(definition.python_name), leaf.serialize, non_null)


class FastLeafExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context with plain leaf fields resolved inline."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # graphql-core reuses one grouped field set for every object of a
        # list, so the split into fast and slow fields is planned once each.
        self._plans: dict[
            int, tuple[GroupedFieldSet, list[FastField], GroupedFieldSet]
        ] = {}

    def _plan(
        self, parent_type: GraphQLObjectType, grouped: GroupedFieldSet
    ) -> tuple[list[FastField], GroupedFieldSet]:
        cached = self._plans.get(id(grouped))
        if cached is not None and cached[0] is grouped:
            return cached[1], cached[2]
        fast: list[FastField] = []
        slow: GroupedFieldSet = {}
        for name, details in grouped.items():
            plan = _fast_field(name, parent_type.fields.get(details[0].node.name.value))
            if plan is None:
                slow[name] = details
            else:
                fast.append(plan)
        self._plans[id(grouped)] = (grouped, fast, slow)
        return fast, slow

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> AwaitableOrValue[dict[str, Any]]:
        manager = self.middleware_manager
        if manager is not None and manager.middlewares:
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        fast_fields, slow = self._plan(parent_type, grouped_field_set)
        fast: dict[str, Any] = {}
        fallback: GroupedFieldSet | None = None
        for name, read, serialize, non_null in fast_fields:
            try:
                value = read(source_value)
                if value is not None:
                    fast[name] = serialize(value)
                    continue
                if not non_null:
                    fast[name] = None
                    continue
            except Exception:  # noqa: S110 - graphql-core reports it below
                pass
            fallback = fallback if fallback is not None else dict(slow)
            fallback[name] = grouped_field_set[name]
        rest_fields = slow if fallback is None else fallback
        if not rest_fields:
            return fast
        rest = super().execute_fields(
            parent_type, source_value, path, rest_fields, position_context
        )
        if self.is_awaitable(rest):

            async def merged() -> dict[str, Any]:
                return _in_order(grouped_field_set, fast, await rest)

            return merged()
        return _in_order(grouped_field_set, fast, rest)  # type: ignore[arg-type]


def _in_order(
    grouped: GroupedFieldSet, fast: dict[str, Any], slow: dict[str, Any]
) -> dict[str, Any]:
    """Merge both halves in the order the client asked for the fields."""
    if not fast:
        return slow
    return {
        name: fast[name] if name in fast else slow[name]
        for name in grouped
        if name in fast or name in slow
    }
