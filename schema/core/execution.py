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

from collections.abc import Awaitable, Callable, Iterable
from operator import attrgetter
from typing import Any

from django.conf import settings
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

from schema.core import plans, prebuilt

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
        # Whole subtrees in one go (schema/core/plans.py), if switched on.
        self._planner = plans.Planner(self) if settings.GRAPHQL_PLANS else None
        self._verify = bool(settings.GRAPHQL_PLAN_VERIFY)
        # While a check runs graphql-core over a planned tree, plan nothing.
        self._checking = False

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

        def graphql_core() -> AwaitableOrValue[dict[str, Any]]:
            return super(FastLeafExecutionContext, self).complete_object_value(
                return_type, field_details_list, info, path, result, position_context
            )

        compiled = self._compiled(return_type, field_details_list, path)
        if compiled is not None:
            planned: dict[str, Any] = self._planned(
                compiled, [result], graphql_core, single=True
            )
            return planned
        return graphql_core()

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
            compiled = self._compiled(object_type, field_details_list, path)
            if compiled is not None:
                items = list(items)
                if None not in items:

                    def graphql_core() -> AwaitableOrValue[list[Any]]:
                        return super(
                            FastLeafExecutionContext, self
                        ).complete_iterable_value(
                            item_type,
                            field_details_list,
                            info,
                            path,
                            items,
                            position_context,
                        )

                    completed: list[Any] = self._planned(
                        compiled, items, graphql_core, single=False
                    )
                    return completed
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

    # Compiled plans ------------------------------------------------------------

    def _compiled(
        self,
        object_type: GraphQLObjectType,
        field_details_list: FieldDetailsList,
        path: Path,
    ) -> plans.ObjectPlan | None:
        if self._planner is None or self._checking:
            return None
        manager = self.middleware_manager
        if manager is not None and manager.middlewares:
            return None
        return self._planner.plan(object_type, field_details_list, path)

    def _planned(
        self,
        compiled: plans.ObjectPlan,
        sources: list[Any],
        graphql_core: Callable[[], Any],
        *,
        single: bool,
    ) -> Any:
        """Complete `sources` by the plan, or by graphql-core if it cannot."""
        try:
            rows = plans.run(compiled, sources, self)
        except Exception:
            return graphql_core()
        if not isinstance(rows, list):
            return self._planned_later(compiled, rows, graphql_core, single=single)
        planned = rows[0] if single else rows
        if not self._verify:
            return planned
        return self._check(compiled, planned, graphql_core)

    async def _planned_later(
        self,
        compiled: plans.ObjectPlan,
        rows: Awaitable[list[dict[str, Any]]],
        graphql_core: Callable[[], Any],
        *,
        single: bool,
    ) -> Any:
        try:
            done = await rows
        except Exception:
            completed = graphql_core()
            return await completed if self.is_awaitable(completed) else completed
        planned = done[0] if single else done
        if not self._verify:
            return planned
        checked = self._check(compiled, planned, graphql_core)
        return await checked if self.is_awaitable(checked) else checked

    def _check(
        self, compiled: plans.ObjectPlan, planned: Any, graphql_core: Callable[[], Any]
    ) -> Any:
        """Complete the same subtree with graphql-core; record any difference."""
        errors = len(self.collected_errors.errors)

        def compare(expected: Any) -> Any:
            added = self.collected_errors.errors[errors:]
            if added or expected != prebuilt.plain(planned):
                plans.record_mismatch(compiled, planned, expected, added)
            return planned

        self._checking = True
        try:
            expected = graphql_core()
        except Exception as error:  # it is the difference
            self._checking = False
            return compare(error)
        if not self.is_awaitable(expected):
            self._checking = False
            return compare(expected)

        async def later() -> Any:
            try:
                return compare(await expected)
            except Exception as error:  # as above
                return compare(error)
            finally:
                self._checking = False

        return later()


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
