"""The requested cost bounds the objects a response can hold, for every field.

The schema itself is walked (tests/support/schema_walk.py), so a field added
later is held to the same rule without editing this file:

- every list of objects has a priced bound: a connection's page size, or a
  bound in `schema.core.cost.LIST_BOUNDS` (a new list fails here until priced);
- pricing one field costs at least what it can return: one object (2 for a
  connection), its bound for a list, the page size for a connection's edges.

Cost is additive over a selection and multiplied over lists exactly as the
count of objects is, so with both rules no operation returns more objects
than its requested cost: at most GRAPHQL_MAX_QUERY_COST (5,000) for
anonymous callers and customers and GRAPHQL_MAX_QUERY_COST_STAFF (20,000)
for staff. The last test checks the claim on real responses: every root
field, with everything selectable under it one to three levels deep,
answers no more JSON objects than it was priced at, or is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from graphql import (
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    get_named_type,
    is_abstract_type,
    is_leaf_type,
    is_required_argument,
)

from schema.core.cost import (
    LIST_BOUNDS,
    NODES_MAX_IDS,
    is_connection,
    list_bound,
    selection_cost,
)
from tests.factories.accounts import UserFactory
from tests.factories.catalog import CategoryFactory, ProductFactory, stocked_variant
from tests.factories.orders import placed_order
from tests.support.graphql import error_codes, request, token
from tests.support.schema_walk import GRAPHQL_SCHEMA, object_fields


def _is_list(type_: GraphQLOutputType) -> bool:
    inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
    return isinstance(inner, GraphQLList)


def _object_fields() -> list[tuple[str, GraphQLField]]:
    """Every field that returns objects (one, a list, or a connection)."""
    return [
        (path, field)
        for path, field in object_fields()
        if not is_leaf_type(get_named_type(field.type))
    ]


OBJECT_FIELDS = _object_fields()
LISTS = [(path, field) for path, field in OBJECT_FIELDS if _is_list(field.type)]


def _priced_items(path: str, field: GraphQLField) -> int:
    """How many items pricing assumes `path` returns, at the largest page."""
    parent, name = path.split(".")
    if name == "edges" and is_connection(_object_type(parent)):
        return int(settings.GRAPHQL_MAX_PAGE_SIZE)
    return list_bound(parent, name, {"ids": ["x"] * NODES_MAX_IDS})


def _object_type(name: str) -> GraphQLObjectType:
    found = GRAPHQL_SCHEMA.type_map[name]
    assert isinstance(found, GraphQLObjectType)
    return found


@pytest.mark.parametrize(("path", "field"), LISTS, ids=[p for p, _ in LISTS])
def test_every_list_of_objects_has_a_priced_bound(path, field):
    assert _priced_items(path, field) >= 1


def test_every_stated_bound_belongs_to_a_list_of_the_schema():
    lists = {path for path, _ in LISTS}

    assert set(LIST_BOUNDS) <= lists


def _arguments(field: GraphQLField) -> str:
    """The largest page for a connection; a value for each required argument."""
    given = []
    if "first" in field.args:
        given.append(f"first: {settings.GRAPHQL_MAX_PAGE_SIZE}")
    for name, argument in field.args.items():
        if is_required_argument(argument):
            given.append(f"{name}: {_placeholder(argument.type)}")
    return f"({', '.join(given)})" if given else ""


def _placeholder(type_: Any) -> str:
    if isinstance(type_, GraphQLNonNull):
        return _placeholder(type_.of_type)
    if isinstance(type_, GraphQLList):
        return "[" + ", ".join(['"x"'] * NODES_MAX_IDS) + "]"
    return '"x"'


@pytest.mark.parametrize(
    ("path", "field"), OBJECT_FIELDS, ids=[p for p, _ in OBJECT_FIELDS]
)
def test_pricing_a_field_covers_every_object_it_can_return(path, field):
    parent, name = path.split(".")
    named = get_named_type(field.type)
    items = _priced_items(path, field) if _is_list(field.type) else 1
    inner = "{ __typename }"
    own = 1
    if isinstance(named, GraphQLObjectType) and is_connection(named):
        # The connection, its pageInfo and, per edge, the edge and its node.
        inner = "{ pageInfo { __typename } edges { node { __typename } } }"
        own = 2 + 2 * int(settings.GRAPHQL_MAX_PAGE_SIZE)

    cost = selection_cost(
        GRAPHQL_SCHEMA,
        parent,
        f"{{ {name}{_arguments(field)} {inner} }}",
        edges=settings.GRAPHQL_MAX_PAGE_SIZE,  # when `parent` is a connection
    )

    assert cost >= items * own


def _selection(named: Any, depth: int) -> str:
    """Every field of `named` that needs no argument, `depth` levels down."""
    if is_abstract_type(named):
        return "{ __typename }"
    parts = ["__typename"]
    for name, field in named.fields.items():
        if any(is_required_argument(a) for a in field.args.values()):
            continue
        inner = get_named_type(field.type)
        if is_leaf_type(inner):
            parts.append(name)
        elif depth > 0:
            parts.append(f"{name} {_selection(inner, depth - 1)}")
    return "{ " + " ".join(parts) + " }"


ROOT_FIELDS = [
    name
    for name, field in GRAPHQL_SCHEMA.query_type.fields.items()  # type: ignore[union-attr]
    if not any(is_required_argument(a) for a in field.args.values())
    and not is_leaf_type(get_named_type(field.type))
]


def _objects(value: Any) -> int:
    """Count the JSON objects in a value of a response's data."""
    if isinstance(value, dict):
        return 1 + sum(_objects(item) for item in value.values())
    if isinstance(value, list):
        return sum(_objects(item) for item in value)
    return 0


@dataclass(frozen=True)
class Shop:
    staff_token: str
    slugs: dict[str, str]  # root field -> the slug it is asked for


@pytest.fixture
def shop(db) -> Shop:
    """More than a page of products in a small tree, and an order."""
    top = CategoryFactory.create()
    child = CategoryFactory.create(parent=top)
    products = []
    for n in range(25):
        product = ProductFactory.create(category=child if n % 2 else top)
        products.append(product)
        for size in ("S", "M", "L"):
            stocked_variant(product=product, size=size)
    staff = UserFactory.create(is_staff=True)
    placed_order(buyer=staff)
    return Shop(
        staff_token=token(staff),
        slugs={"product": products[0].slug, "category": top.slug},
    )


@pytest.mark.parametrize("depth", [1, 2, 3])
@pytest.mark.parametrize("root", ROOT_FIELDS)
def test_no_response_holds_more_objects_than_its_requested_cost(
    gql_client, shop, root, depth
):
    field = GRAPHQL_SCHEMA.query_type.fields[root]  # type: ignore[union-attr]
    arguments = f'(slug: "{shop.slugs[root]}")' if "slug" in field.args else ""
    selection = _selection(get_named_type(field.type), depth)

    body = request(
        gql_client, f"{{ {root}{arguments} {selection} }}", bearer=shop.staff_token
    ).json()

    cost = body["extensions"]["cost"]
    if cost["requestedQueryCost"] > settings.GRAPHQL_MAX_QUERY_COST_STAFF:
        assert error_codes(body) == ["QUERY_TOO_COSTLY"]
        assert "data" not in body
        return
    assert "errors" not in body, body["errors"]
    assert sum(map(_objects, body["data"].values())) <= cost["actualQueryCost"]
    assert cost["actualQueryCost"] <= cost["requestedQueryCost"]
