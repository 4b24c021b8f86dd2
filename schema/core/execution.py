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

from collections.abc import Callable, Iterable
from operator import attrgetter
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLScalarType,
    get_nullable_type,
)
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet
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

    def _leaf_only(
        self, return_type: GraphQLObjectType, field_details_list: FieldDetailsList
    ) -> list[FastField] | None:
        """Return the plan of an object whose selected fields are all plain leaves."""
        manager = self.middleware_manager
        if manager is not None and manager.middlewares:
            return None
        grouped, defer_usages, _ = self.collect_subfields(
            return_type, field_details_list
        )
        if defer_usages:
            return None
        fast, slow = self._plan(return_type, grouped)
        return None if slow else fast

    def complete_object_value(
        self,
        return_type: GraphQLObjectType,
        field_details_list: FieldDetailsList,
        info: GraphQLResolveInfo[Any],
        path: Path,
        result: Any,
        position_context: Any,
    ) -> AwaitableOrValue[dict[str, Any]]:
        plan = self._leaf_only(return_type, field_details_list)
        if plan is not None:
            row = _read_object(plan, return_type, result, info)
            if row is not None:
                return row
        return super().complete_object_value(
            return_type, field_details_list, info, path, result, position_context
        )

    def complete_iterable_value(
        self,
        item_type: GraphQLOutputType,
        field_details_list: FieldDetailsList,
        info: GraphQLResolveInfo[Any],
        path: Path,
        items: Iterable[Any],
        position_context: Any,
    ) -> AwaitableOrValue[list[Any]]:
        """Complete a list of leaf-only objects in one loop, as in execute_fields."""
        object_type = get_nullable_type(item_type)
        if isinstance(object_type, GraphQLObjectType) and not self.get_stream_usage(
            field_details_list, path
        ):
            plan = self._leaf_only(object_type, field_details_list)
            if plan is not None:
                items = list(items)
                rows = [_read_object(plan, object_type, item, info) for item in items]
                if None not in rows:
                    return rows
        return super().complete_iterable_value(
            item_type, field_details_list, info, path, items, position_context
        )

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


def _read_object(
    plan: list[FastField], object_type: GraphQLObjectType, source: Any, info: Any
) -> dict[str, Any] | None:
    """Read every planned leaf of `source`; None when graphql-core must take over."""
    if source is None:
        return None
    is_type_of = object_type.is_type_of
    if is_type_of is not None and is_type_of(source, info) is not True:
        return None
    row: dict[str, Any] = {}
    try:
        for name, read, serialize, non_null in plan:
            value = read(source)
            if value is not None:
                row[name] = serialize(value)
            elif non_null:
                return None
            else:
                row[name] = None
    except Exception:
        return None
    return row


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
