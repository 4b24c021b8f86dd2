"""Product nodes written by PostgreSQL: a compiled plan's shortcut for pages.

When every field a client selected on a `Product` (and below it, on its
category, variants, prices and stock) is a plain column or a value
apps/catalog/json_documents.py offers, the plan asks PostgreSQL for the
finished JSON of the whole page in one statement instead of reading three
queries of rows and writing each field in Python. The mapping below is the
one place that says which GraphQL field is which value; anything it does
not list keeps the row-by-row plan, and the test suite's differential check
(schema/core/plans.py) compares both with graphql-core.

The resolvers that fetch a page ask `covered` first, so they do not load
categories and variants that the statement will bring.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from functools import partial
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    SelectionSetNode,
)

from apps.catalog import json_documents as docs
from apps.catalog.rows import ProductRow
from schema.core.plans import TYPENAME, ObjectPlan
from schema.core.prebuilt import Prebuilt

# GraphQL field -> what it holds, per type; a nested type's fields follow it.
_SCALARS: dict[str, dict[str, docs.Part]] = {
    "Product": {
        "id": docs.GlobalId("Product"),
        "name": docs.Value("name"),
        "slug": docs.Value("slug"),
        "description": docs.Value("description"),
        "brand": docs.Value("brand"),
    },
    "Category": {
        "id": docs.GlobalId("Category"),
        "name": docs.Value("name"),
        "slug": docs.Value("slug"),
    },
    "ProductVariant": {
        "id": docs.GlobalId("ProductVariant"),
        "sku": docs.Value("sku"),
        "size": docs.Value("size"),
        "colour": docs.Value("colour"),
        "available": docs.Value("available"),
    },
}
# Objects: (field's type, relation or None for the same row, values renamed).
_OBJECTS: dict[str, dict[str, tuple[str, str | None, dict[str, str]]]] = {
    "Product": {
        "basePrice": ("Money", None, {"amount": "base_price", "currency": "currency"}),
        "category": ("Category", "category", {}),
        "variants": ("ProductVariant", "variants", {}),
    },
    "ProductVariant": {
        "price": ("Money", None, {"amount": "price", "currency": "currency"}),
        "stock": (
            "Stock",
            None,
            {"available": "available", "isSoldOut": "sold_out", "isLow": "low"},
        ),
    },
}


# One selected field: its response key, its schema name, and (for objects)
# the type it holds and a way to list the fields selected below it.
Selected = tuple[str, str, str | None, Callable[[], "list[Selected] | None"] | None]


def shape(plan: ObjectPlan) -> docs.Shape | None:
    """The document shape of a compiled plan, or None if a field has none."""
    return _build(plan.type_name, _plan_fields(plan), None)


def _plan_fields(plan: ObjectPlan) -> list[Selected]:
    fields: list[Selected] = []
    for field_plan in plan.fields:
        child = field_plan.child
        if field_plan.kind == TYPENAME:
            fields.append((field_plan.key, "__typename", None, None))
        elif child is None:
            fields.append((field_plan.key, field_plan.name, None, None))
        else:
            below = partial(_plan_fields, child)
            fields.append((field_plan.key, field_plan.name, child.type_name, below))
    return fields


def _build(
    type_name: str, fields: list[Selected] | None, renamed: dict[str, str] | None
) -> docs.Shape | None:
    """The shape of `fields` selected on `type_name`, or None if one has none."""
    if fields is None:
        return None
    parts: list[tuple[str, docs.Part]] = []
    for key, name, child_type, below in fields:
        part = _part(type_name, name, child_type, below, renamed)
        if part is None:
            return None
        parts.append((key, part))
    return docs.Shape(tuple(parts))


def _part(
    type_name: str,
    name: str,
    child_type: str | None,
    below: Callable[[], list[Selected] | None] | None,
    renamed: dict[str, str] | None,
) -> docs.Part | None:
    if name == "__typename":
        return docs.Const(type_name)
    if renamed is not None:  # an object made from its parent's row
        return docs.Value(renamed[name]) if name in renamed and below is None else None
    scalar = _SCALARS.get(type_name, {}).get(name)
    if scalar is not None:
        return scalar if below is None else None
    found = _OBJECTS.get(type_name, {}).get(name)
    if found is None or below is None:
        return None
    expected, relation, values = found
    if child_type is not None and child_type != expected:
        return None
    child = _build(expected, below(), values if relation is None else None)
    if child is None:
        return None
    if relation is None:
        return docs.Nested(child)
    return docs.Relation(relation, child)  # type: ignore[arg-type]


def selection_shape(info: Any) -> docs.Shape | None:
    """The shape the plan will find for a connection's nodes, read from the document.

    Read before the nodes exist, by the resolver of the connection, so it can
    load documents with the page. Only for plain selections: no directives,
    no arguments below `node`, fragments on the node's own type; for anything
    else None, and the plan reads documents itself a moment later.
    """
    raw = info._raw_info
    # The parser cache gives every request of a document the same nodes.
    key = tuple(map(id, raw.field_nodes))
    found = _SELECTION_SHAPES.get(key)
    if found is not None and all(
        a is b for a, b in zip(found[0], raw.field_nodes, strict=True)
    ):
        return found[1]
    selected = _selection_shape(raw)
    _SELECTION_SHAPES[key] = (tuple(raw.field_nodes), selected)
    if len(_SELECTION_SHAPES) > _SHAPES_KEPT:
        _SELECTION_SHAPES.popitem(last=False)
    return selected


# Field nodes -> the shape below them; the nodes are kept to check identity.
_SELECTION_SHAPES: OrderedDict[
    tuple[int, ...], tuple[tuple[FieldNode, ...], docs.Shape | None]
] = OrderedDict()
_SHAPES_KEPT = 512


def _selection_shape(raw: Any) -> docs.Shape | None:
    fragments: dict[str, FragmentDefinitionNode] = raw.fragments
    sets = [node.selection_set for node in raw.field_nodes if node.selection_set]
    for name in ("edges", "node"):
        merged = _merged(sets, fragments, None)
        matches = [entry for entry in (merged or {}).values() if entry[0] == name]
        if len(matches) != 1:
            return None
        sets = matches[0][1]
    return _build("Product", _document_fields(sets, fragments, "Product"), None)


def _document_fields(
    sets: list[SelectionSetNode], fragments: dict[str, Any], type_name: str
) -> list[Selected] | None:
    merged = _merged(sets, fragments, type_name)
    if merged is None:
        return None
    fields: list[Selected] = []
    for key, (name, below) in merged.items():
        if not below:
            fields.append((key, name, None, None))
            continue
        child_type = _OBJECTS.get(type_name, {}).get(name, ("?", None, {}))[0]
        fields.append(
            (key, name, None, partial(_document_fields, below, fragments, child_type))
        )
    return fields


def _merged(
    sets: list[SelectionSetNode], fragments: dict[str, Any], type_name: str | None
) -> dict[str, tuple[str, list[SelectionSetNode]]] | None:
    """Fields by response key, in order, their selections merged; None if unsure."""
    merged: dict[str, tuple[str, list[SelectionSetNode]]] = {}
    for selection_set in sets:
        for selection in selection_set.selections:
            if selection.directives:
                return None
            if isinstance(selection, FieldNode):
                if type_name is not None and selection.arguments:
                    return None
                key = selection.alias.value if selection.alias else selection.name.value
                name, below = merged.setdefault(key, (selection.name.value, []))
                if name != selection.name.value:
                    return None
                if selection.selection_set is not None:
                    below.append(selection.selection_set)
                continue
            inner = _fragment_set(selection, fragments, type_name)
            if inner is None:
                return None
            nested = _merged([inner], fragments, type_name)
            if nested is None:
                return None
            for key, (name, below) in nested.items():
                own_name, own_below = merged.setdefault(key, (name, []))
                if own_name != name:
                    return None
                own_below.extend(below)
    return merged


def _fragment_set(
    selection: Any, fragments: dict[str, Any], type_name: str | None
) -> SelectionSetNode | None:
    """The selections of a fragment on `type_name` itself, else None."""
    if isinstance(selection, InlineFragmentNode):
        condition, inner = selection.type_condition, selection.selection_set
    elif isinstance(selection, FragmentSpreadNode):
        fragment = fragments.get(selection.name.value)
        if fragment is None:
            return None
        condition, inner = fragment.type_condition, fragment.selection_set
    else:
        return None
    if condition is not None and condition.name.value != type_name:
        return None
    return inner


def reader(plan: ObjectPlan) -> Any:
    """The bulk reader of a `Product` plan, if documents are worth reading.

    Only when the selection reaches the category or the variants: fields of
    the product alone are on the row the plan already holds. Loads go through
    the request's loader for the shape, so the pages of several connections
    (each category's products) are read in one statement.
    """
    product_shape = shape(plan)
    if product_shape is None or not docs.relations(product_shape):
        return None

    def read(rows: Sequence[Any], context: Any) -> Any:
        if not all(isinstance(row, ProductRow) for row in rows):
            return _none()
        loader = context.loaders.product_documents(product_shape)
        return loader.load_many(
            [(row.id, row.category_id) for row in rows]  # the category for its tag
        )

    return read


def connection_reader(plan: ObjectPlan) -> Any:
    """The bulk reader of a product connection plan that selects only its nodes.

    For `edges { node { ... } }` whose nodes are documents, and whose page the
    connection's resolver read with them (`_page` in queries.py), it splices
    the documents into one prebuilt list: no document is read into Python
    objects, no edge or node is written field by field. Anything else, or
    documents not at hand, and the plan goes on field by field.
    """
    if len(plan.fields) != 1 or plan.fields[0].name != "edges":
        return None
    edges = plan.fields[0]
    edge = edges.child
    if edges.list_depth != 1 or edge is None or len(edge.fields) != 1:
        return None
    node = edge.fields[0]
    if node.name != "node" or node.child is None or node.list_depth:
        return None
    product_shape = shape(node.child)
    if product_shape is None or not docs.relations(product_shape):
        return None
    opening = ('{"' + node.key + '":').encode()

    def skeleton(variants: Any) -> dict[str, Any]:
        return {node.key: _skeleton(product_shape, variants)}

    # An edge's cost by its node's variants: the same for every request of
    # this plan's document (plans are kept per document).
    counted: dict[Hashable, int] = {}

    async def read(sources: Sequence[Any], context: Any) -> Any:
        loader = context.loaders.product_documents(product_shape)
        written = []
        for connection in sources:
            rows = [edge.node for edge in connection.edges]
            if not all(isinstance(row, ProductRow) for row in rows):
                return None
            found = loader.known([row.id for row in rows])
            if found is None:
                return None
            text = b",".join(opening + d.text.encode() + b"}" for d in found)
            items = [d.variants for d in found]
            edges_json = b"[" + text + b"]"
            written.append({edges.key: Prebuilt(edges_json, items, skeleton, counted)})
        return written

    return read


def _skeleton(shape: docs.Shape, variants: int) -> dict[str, Any]:
    """An object of `shape` as a cost counter sees it: its objects and lists."""
    found: dict[str, Any] = {}
    for key, part in shape.fields:
        if isinstance(part, docs.Nested):
            found[key] = _skeleton(part.shape, 0)
        elif isinstance(part, docs.Relation) and part.name == "variants":
            found[key] = [_skeleton(part.shape, 0) for _ in range(variants)]
        elif isinstance(part, docs.Relation):
            found[key] = _skeleton(part.shape, 0)
    return found


async def _none() -> None:
    return None
