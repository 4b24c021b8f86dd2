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

from collections.abc import Iterator, Sequence
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


def shape(plan: ObjectPlan, renamed: dict[str, str] | None = None) -> docs.Shape | None:
    """The document shape of a compiled plan, or None if a field has none."""
    fields: list[tuple[str, docs.Part]] = []
    for field_plan in plan.fields:
        part = _part(plan.type_name, field_plan, renamed)
        if part is None:
            return None
        fields.append((field_plan.key, part))
    return docs.Shape(tuple(fields))


def _part(
    type_name: str, field_plan: Any, renamed: dict[str, str] | None
) -> docs.Part | None:
    if field_plan.kind == TYPENAME:
        return docs.Const(type_name)
    name = field_plan.name
    if renamed is not None:  # an object made from its parent's row
        return docs.Value(renamed[name]) if name in renamed else None
    scalar = _SCALARS.get(type_name, {}).get(name)
    if scalar is not None:
        return scalar
    found = _OBJECTS.get(type_name, {}).get(name)
    if found is None or field_plan.child is None:
        return None
    child_type, relation, values = found
    child = shape(field_plan.child, values if relation is None else None)
    if child is None or field_plan.child.type_name != child_type:
        return None
    if relation is None:
        return docs.Nested(child)
    return docs.Relation(relation, child)  # type: ignore[arg-type]


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


async def _none() -> None:
    return None


# What `covered` accepts below a node: field name -> what is allowed below it.
_TREE: dict[str, Any] = {
    "Product": {
        **dict.fromkeys(_SCALARS["Product"]),
        "__typename": None,
        "basePrice": "Money",
        "category": "Category",
        "variants": "ProductVariant",
    },
    "Category": {**dict.fromkeys(_SCALARS["Category"]), "__typename": None},
    "ProductVariant": {
        **dict.fromkeys(_SCALARS["ProductVariant"]),
        "__typename": None,
        "price": "Money",
        "stock": "Stock",
    },
    "Money": dict.fromkeys(("amount", "currency", "__typename")),
    "Stock": dict.fromkeys(("available", "isSoldOut", "isLow", "__typename")),
}


def covered(info: Any) -> bool:
    """Whether the nodes of the connection `info` resolves will come as documents.

    Read from the document alone (as schema/core/selection.py does): every
    field below `edges { node }` is one `shape` maps, with no arguments and
    no directives, so the plan will take the one-statement path.
    """
    raw = info._raw_info
    fragments: dict[str, FragmentDefinitionNode] = raw.fragments
    sets = [node.selection_set for node in raw.field_nodes if node.selection_set]
    for name in ("edges", "node"):
        found = [f for f in _fields(sets, fragments) if f is not None]
        if any(f.directives for f in found):
            return False
        sets = [
            f.selection_set for f in found if f.name.value == name and f.selection_set
        ]
    return bool(sets) and _allowed(sets, "Product", fragments)


def _allowed(
    sets: list[SelectionSetNode], type_name: str, fragments: dict[str, Any]
) -> bool:
    allowed = _TREE[type_name]
    for field in _fields(sets, fragments):
        if field is None or field.directives or field.arguments:
            return False
        name = field.name.value
        if name not in allowed:
            return False
        below = allowed[name]
        if below is not None and (
            field.selection_set is None
            or not _allowed([field.selection_set], below, fragments)
        ):
            return False
    return True


def _fields(
    sets: list[SelectionSetNode], fragments: dict[str, FragmentDefinitionNode]
) -> Iterator[FieldNode | None]:
    """The fields of `sets`, through fragments; None for anything conditional."""
    for selection_set in sets:
        for selection in selection_set.selections:
            if selection.directives and not isinstance(selection, FieldNode):
                yield None
            elif isinstance(selection, FieldNode):
                yield selection
            elif isinstance(selection, InlineFragmentNode):
                yield from _fields([selection.selection_set], fragments)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = fragments.get(selection.name.value)
                if fragment is None:
                    yield None
                else:
                    yield from _fields([fragment.selection_set], fragments)
