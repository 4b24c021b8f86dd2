"""Compiled plans: complete a whole object tree without graphql-core's machinery.

graphql-core completes a response one field at a time: for each field of each
object a Path, a ResolveInfo, the resolver wrapper, `complete_value` and a
check of the result. On a page of 50 products with their category and
variants that is thousands of calls, and most of the request's CPU. A plan is
compiled from the selection once per request and type, then run over a whole
level of the tree at a time: every product's category, then every product's
variants. Relations still come from the request's dataloaders, so the SQL is
the same as graphql-core's and one batch per relation.

A plan covers a subtree only when every field in it is
- `__typename`;
- a plain attribute (no resolver, no field extension), or
- a synchronous resolver that takes no arguments and has no field extension
  (`Product.category`, `Money` of a row, a node's `id`), whose value may be a
  dataloader future (the level waits for all of them at once);

and every object in it is of a concrete object type. Anything else, and any
surprise at run time (a null in a non-null field, a resolver that raises, a
value of the wrong type) hands the subtree back to graphql-core, whose
answer then holds exactly the errors it would have held. Resolvers read, so
running one again there is safe. `GRAPHQL_PLAN_VERIFY` (on in the test suite)
completes every planned subtree with graphql-core as well and records any
difference: tests/conftest.py fails the test that caused it.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Generator, Sequence
from dataclasses import dataclass, field
from inspect import isawaitable
from operator import attrgetter
from typing import Any

import strawberry
from graphql import (
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
)
from graphql.execution.collect_fields import FieldDetailsList
from graphql.pyutils import Path, Undefined
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

logger = logging.getLogger(__name__)

LEAF, TYPENAME, OBJECT = "leaf", "typename", "object"


class Fallback(Exception):
    """The plan cannot answer for this subtree: graphql-core must."""


@dataclass(slots=True)
class FieldPlan:
    """How to write one response key of an object."""

    key: str
    kind: str
    name: str = "__typename"  # the schema's field name
    # Reads the value from the source; `info` is set for resolvers that want it.
    read: Callable[[Any, Any], Any] | None = None
    serialize: Callable[[Any], Any] | None = None
    # Shape of the value, outermost first: ("list", nullable) / ("value", nullable).
    non_null: bool = False
    list_depth: int = 0
    item_non_null: tuple[bool, ...] = ()
    child: ObjectPlan | None = None
    # What a resolver that asks for an Info gets one from (one per level):
    # the field, its nodes, its parent type, a path naming it, its definition.
    info_parts: tuple[Any, list[Any], GraphQLObjectType, Path, Any] | None = None


@dataclass(slots=True)
class ObjectPlan:
    """The fields to write for each object of one type, in response order."""

    type_name: str
    is_type_of: Callable[[Any, Any], Any] | None
    fields: list[FieldPlan] = field(default_factory=list)
    # Writes whole objects of this type at once (BULK_READERS), or None.
    bulk: BulkReader | None = None


# Given the sources of one level and the request's context, their finished
# response objects in order; None (for all, or any) has the plan write them
# field by field.
BulkReader = Callable[
    [Sequence[Any], Any], Awaitable[Sequence[dict[str, Any] | None] | None]
]

# Type name -> a function that returns a bulk reader for a plan of that type,
# or None if it cannot write that selection (schema/api.py fills it).
BULK_READERS: dict[str, Callable[[ObjectPlan], BulkReader | None]] = {}


# A compiled plan, or None when graphql-core must complete the subtree.
Compiled = ObjectPlan | None


def strawberry_field(graphql_field: Any) -> StrawberryField | None:
    extensions = graphql_field.extensions or {}
    found = extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
    return found if isinstance(found, StrawberryField) else None


def _shape(
    type_: GraphQLOutputType,
) -> tuple[bool, int, tuple[bool, ...], GraphQLOutputType]:
    """Unwrap lists and non-nulls: (non_null, list depth, items non-null, named)."""
    non_null = isinstance(type_, GraphQLNonNull)
    inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
    depth = 0
    items: list[bool] = []
    while isinstance(inner, GraphQLList):
        depth += 1
        inner = inner.of_type
        items.append(isinstance(inner, GraphQLNonNull))
        if isinstance(inner, GraphQLNonNull):
            inner = inner.of_type
    return non_null, depth, tuple(items), inner


def direct_reader(
    definition: StrawberryField, converter: GraphQLCoreConverter
) -> tuple[Callable[[Any, Any], Any], bool] | None:
    """A call of the field's resolver as Strawberry makes it, or None.

    Only a plain resolver qualifies: synchronous, no arguments, no field
    extensions (permissions are extensions) and no exception handlers.
    Returns the reader and whether it needs an Info.
    """
    if definition.extensions or definition.arguments:
        return None
    resolver = definition.base_resolver
    if resolver is None:
        return attrgetter_reader(definition.python_name), False
    if resolver.is_async or converter._get_field_exception_handlers(definition):
        return None
    wants_self = resolver.self_parameter is not None
    names = [
        p.name
        for p in (resolver.root_parameter, resolver.parent_parameter)
        if p is not None
    ]
    info_name = resolver.info_parameter.name if resolver.info_parameter else None
    call: Callable[..., Any] = resolver.wrapped_func  # type: ignore[assignment]

    def read(source: Any, info: Any) -> Any:
        kwargs = dict.fromkeys(names, source)
        if info_name is not None:
            kwargs[info_name] = info
        return call(source, **kwargs) if wants_self else call(**kwargs)

    return read, info_name is not None


def attrgetter_reader(name: str) -> Callable[[Any, Any], Any]:
    get = attrgetter(name)

    def read(source: Any, info: Any) -> Any:
        return get(source)

    return read


# Plans shared between requests, most recently used last (Planner._shared).
_PLANS_KEPT = 1024
_PLANS: OrderedDict[tuple[str, tuple[int, ...]], tuple[tuple[Any, ...], Compiled]] = (
    OrderedDict()
)
# Whether an operation's selections are free of directives, by its node.
_STATIC: OrderedDict[int, tuple[Any, bool]] = OrderedDict()


def _static(context: Any) -> bool:
    """Whether the operation (and its fragments) carry no directive at all."""
    operation = context.operation
    found = _STATIC.get(id(operation))
    if found is not None and found[0] is operation:
        return found[1]
    nodes = [operation, *context.fragment_definitions.values()]
    static = not any(_directives(node.selection_set) for node in nodes)
    _STATIC[id(operation)] = (operation, static)
    if len(_STATIC) > _PLANS_KEPT:
        _STATIC.popitem(last=False)
    return static


def _directives(selection_set: Any) -> bool:
    for selection in selection_set.selections:
        if selection.directives:
            return True
        below = getattr(selection, "selection_set", None)
        if below is not None and _directives(below):
            return True
    return False


class Planner:
    """Compiles plans for one execution; graphql-core's context supplies the rest."""

    def __init__(self, context: Any) -> None:
        self.context = context
        self.converter: GraphQLCoreConverter = (
            context.schema._strawberry_schema.schema_converter
        )
        self._compiled: dict[tuple[str, int], tuple[FieldDetailsList, Compiled]] = {}

    def plan(
        self, return_type: GraphQLObjectType, details: FieldDetailsList, path: Any
    ) -> Compiled:
        key = (return_type.name, id(details))
        cached = self._compiled.get(key)
        if cached is not None and cached[0] is details:
            return cached[1]
        compiled = self._shared(return_type, details, path)
        # Keep `details` alive with its plan: the key holds only its id.
        self._compiled[key] = (details, compiled)
        return compiled

    def _shared(
        self, return_type: GraphQLObjectType, details: FieldDetailsList, path: Any
    ) -> Compiled:
        """A plan compiled by an earlier request for the same nodes, or a new one.

        The parser cache hands every request of one document the same nodes,
        so they identify the selection, unless a directive (@skip/@include on
        a variable) makes it depend on the request: such documents compile
        per request.
        """
        if not _static(self.context):
            return self._compile(return_type, details, path)
        nodes = tuple(d.node for d in details)
        key = (return_type.name, tuple(map(id, nodes)))
        found = _PLANS.get(key)
        if found is not None and all(
            a is b for a, b in zip(found[0], nodes, strict=True)
        ):
            _PLANS.move_to_end(key)
            return found[1]
        compiled = self._compile(return_type, details, path)
        # The entry holds the nodes, so their ids cannot be reused meanwhile.
        _PLANS[key] = (nodes, compiled)
        if len(_PLANS) > _PLANS_KEPT:
            _PLANS.popitem(last=False)
        return compiled

    def _compile(
        self, object_type: GraphQLObjectType, details: FieldDetailsList, path: Any
    ) -> Compiled:
        grouped, defer_usages, *_ = self.context.collect_subfields(object_type, details)
        if defer_usages:
            return None
        plan = ObjectPlan(object_type.name, object_type.is_type_of)
        for key, field_details in grouped.items():
            field_plan = self._field(object_type, key, field_details, path)
            if field_plan is None:
                return None
            plan.fields.append(field_plan)
        bulk = BULK_READERS.get(object_type.name)
        if bulk is not None:
            plan.bulk = bulk(plan)
        return plan

    def _field(
        self,
        parent: GraphQLObjectType,
        key: str,
        details: FieldDetailsList,
        path: Any,
    ) -> FieldPlan | None:
        node = details[0].node
        name = node.name.value
        if name == "__typename":
            return FieldPlan(key, TYPENAME)
        if node.arguments or any(d.fragment_variable_values for d in details):
            return None
        graphql_field = parent.fields.get(name)
        definition = strawberry_field(graphql_field) if graphql_field else None
        if graphql_field is None or definition is None:
            return None
        reader = direct_reader(definition, self.converter)
        if reader is None:
            return None
        read, wants_info = reader
        non_null, depth, items, named = _shape(graphql_field.type)
        plan = FieldPlan(
            key,
            LEAF,
            name,
            read,
            non_null=non_null,
            list_depth=depth,
            item_non_null=items,
        )
        if wants_info:
            # One Info serves the whole level, so its path names the field
            # and its parent type but no list index; errors are graphql-core's.
            nodes = [d.node for d in details]
            plan.info_parts = (
                graphql_field,
                nodes,
                parent,
                Path(path, key, parent.name),
                definition,
            )
        if isinstance(named, GraphQLScalarType | GraphQLEnumType):
            plan.serialize = named.serialize
            return plan
        if not isinstance(named, GraphQLObjectType):
            return None  # an interface or union: graphql-core resolves the type
        child = self.plan(named, details, path)
        if child is None:
            return None
        plan.kind, plan.child = OBJECT, child
        return plan


def run(
    plan: ObjectPlan, sources: Sequence[Any], context: Any
) -> list[dict[str, Any]] | Awaitable[list[dict[str, Any]]]:
    """Complete `sources` (objects of the plan's type) level by level.

    Synchronous when every value is at hand (graphql-core's `execute_sync`
    needs that); a coroutine when a level must wait for dataloader futures.
    `context` is graphql-core's execution context of this request.
    """
    outputs: list[dict[str, Any]] = [{} for _ in sources]
    steps = _level(plan, sources, outputs, context)
    try:
        waiting = next(steps)
    except StopIteration:
        return outputs
    return _drive(steps, waiting, outputs)


async def _drive(
    steps: Steps, waiting: list[Awaitable[Any]], outputs: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    while True:
        settled = await asyncio.gather(*waiting)
        try:
            waiting = steps.send(list(settled))
        except StopIteration:
            return outputs


# A level yields the awaitables it must wait for and is sent their values.
Steps = Generator[list[Awaitable[Any]], list[Any], None]


def _level(
    plan: ObjectPlan,
    sources: Sequence[Any],
    outputs: list[dict[str, Any]],
    context: Any,
) -> Steps:
    if plan.is_type_of is not None:
        for source in sources:
            if plan.is_type_of(source, None) is not True:
                raise Fallback
    if plan.bulk is not None and sources:
        (documents,) = yield [plan.bulk(sources, context.context_value)]
        if documents is not None and None not in documents:
            for output, document in zip(outputs, documents, strict=True):
                output.update(document)
            return
    below: list[tuple[ObjectPlan, list[Any], list[dict[str, Any]]]] = []
    for field_plan in plan.fields:
        if field_plan.kind == TYPENAME:
            for output in outputs:
                output[field_plan.key] = plan.type_name
            continue
        read = field_plan.read
        assert read is not None
        info = _info(context, field_plan.info_parts)
        values = [read(source, info) for source in sources]
        pending = [i for i, value in enumerate(values) if isawaitable(value)]
        if pending:
            settled = yield [values[i] for i in pending]
            for i, value in zip(pending, settled, strict=True):
                values[i] = value
        children: list[Any] = []
        child_outputs: list[dict[str, Any]] = []
        for output, value in zip(outputs, values, strict=True):
            output[field_plan.key] = _write(
                field_plan, value, field_plan.non_null, 0, children, child_outputs
            )
        if children:
            assert field_plan.child is not None
            below.append((field_plan.child, children, child_outputs))
    for child, children, child_outputs in below:
        yield from _level(child, children, child_outputs, context)


def _info(context: Any, parts: Any) -> Any:
    """The strawberry Info a resolver of this level receives, or None."""
    if parts is None:
        return None
    graphql_field, nodes, parent, path, definition = parts
    raw = context.build_resolve_info(graphql_field, nodes, parent, path)
    return strawberry.Info(_raw_info=raw, _field=definition)


def _write(
    field_plan: FieldPlan,
    value: Any,
    non_null: bool,
    depth: int,
    children: list[Any],
    child_outputs: list[dict[str, Any]],
) -> Any:
    """The response value for `value`; objects are queued for the next level."""
    if value is None:
        if non_null:
            raise Fallback
        return None
    if depth < field_plan.list_depth:
        if isinstance(value, str | bytes | dict) or not hasattr(value, "__iter__"):
            raise Fallback  # graphql-core's "expected Iterable" error
        item_non_null = field_plan.item_non_null[depth]
        return [
            _write(field_plan, item, item_non_null, depth + 1, children, child_outputs)
            for item in value
        ]
    if field_plan.kind == LEAF:
        assert field_plan.serialize is not None
        serialized = field_plan.serialize(value)
        if serialized is None or serialized is Undefined:
            raise Fallback  # graphql-core calls that an invalid value
        return serialized
    output: dict[str, Any] = {}
    children.append(value)
    child_outputs.append(output)
    return output


# Differences found in GRAPHQL_PLAN_VERIFY mode, for the test suite to fail on.
MISMATCHES: list[str] = []


def record_mismatch(
    plan: ObjectPlan, planned: Any, expected: Any, errors: Sequence[Any]
) -> None:
    """Note that a plan answered differently from graphql-core, and log it."""
    message = (
        f"compiled plan for {plan.type_name} differs from graphql-core: "
        f"planned {planned!r}, graphql-core {expected!r}, errors {list(errors)!r}"
    )
    MISMATCHES.append(message)
    logger.error(message)
