"""The inline leaf path must answer exactly as graphql-core would."""

from __future__ import annotations

import json
from enum import Enum

import strawberry

from schema.core.execution import FastLeafExecutionContext


@strawberry.enum
class Colour(Enum):
    RED = "red"


@strawberry.type
class Item:
    name: str
    note: str | None
    count: int
    colour: Colour

    @strawberry.field
    def shout(self) -> str:
        return self.name.upper()

    @strawberry.field
    def greet(self, word: str) -> str:
        return f"{word} {self.name}"


@strawberry.type
class Query:
    @strawberry.field
    def items(self) -> list[Item]:
        return [
            Item(name="a", note=None, count=1, colour=Colour.RED),
            Item(name="b", note="x", count=2, colour=Colour.RED),
        ]

    @strawberry.field
    def broken(self) -> Item:
        return Item(name=None, note=None, count="not a number", colour=Colour.RED)  # type: ignore[arg-type]


fast = strawberry.Schema(query=Query, execution_context_class=FastLeafExecutionContext)
stock = strawberry.Schema(query=Query)


def both(query: str) -> tuple[str, str]:
    a, b = fast.execute_sync(query), stock.execute_sync(query)
    return (
        json.dumps({"data": a.data, "errors": [e.formatted for e in a.errors or []]}),
        json.dumps({"data": b.data, "errors": [e.formatted for e in b.errors or []]}),
    )


def test_leaves_and_resolved_fields_keep_the_requested_order():
    fast_result, stock_result = both(
        "{ items { shout name note count colour shout2: shout } }"
    )

    assert fast_result == stock_result
    assert list(json.loads(fast_result)["data"]["items"][0]) == [
        "shout",
        "name",
        "note",
        "count",
        "colour",
        "shout2",
    ]


def test_a_null_in_a_non_null_leaf_is_reported_as_graphql_core_does():
    fast_result, stock_result = both("{ broken { name } }")

    assert fast_result == stock_result
    assert "Cannot return null for non-nullable field Item.name." in fast_result


def test_a_value_that_does_not_serialise_is_reported_as_graphql_core_does():
    fast_result, stock_result = both("{ broken { count } }")

    assert fast_result == stock_result
    assert "Int cannot represent non-integer value" in fast_result


def test_aliases_and_typename_resolve_as_usual():
    fast_result, stock_result = both("{ items { __typename first: name n: count } }")

    assert fast_result == stock_result


def test_lists_of_leaf_only_objects_match_graphql_core():
    fast_result, stock_result = both("{ items { name note count colour } }")

    assert fast_result == stock_result


def test_a_bad_object_in_a_leaf_only_list_is_reported_as_graphql_core_does():
    fast_result, stock_result = both("{ broken { name note } }")

    assert fast_result == stock_result


def test_plain_leaves_beside_a_field_with_arguments_skip_graphql_cores_field_path(
    monkeypatch,
):
    """Neither a plan nor the leaf-only path takes `items` (an argument below):
    its plain leaves are still read inline, only `greet` goes through graphql-core.
    """
    resolved: list[str] = []
    real = FastLeafExecutionContext.execute_field

    def counted(self, parent_type, source, field_details_list, path, *rest):
        resolved.append(field_details_list[0].node.name.value)
        return real(self, parent_type, source, field_details_list, path, *rest)

    monkeypatch.setattr(FastLeafExecutionContext, "execute_field", counted)

    fast_result, stock_result = both('{ items { name count greet(word: "hi") } }')

    assert fast_result == stock_result
    assert "name" not in resolved
    assert "count" not in resolved
    assert resolved.count("greet") == 2
