"""Walking the built GraphQL schema, for tests that hold a rule for every field."""

from __future__ import annotations

from collections.abc import Iterator

from graphql import GraphQLEnumType, GraphQLField, GraphQLObjectType, GraphQLSchema

from schema.api import schema

GRAPHQL_SCHEMA: GraphQLSchema = schema._schema


def object_fields() -> Iterator[tuple[str, GraphQLField]]:
    """Yield (`Type.field`, field) for every field of the schema's own object types."""
    for type_name, graphql_type in GRAPHQL_SCHEMA.type_map.items():
        if type_name.startswith("__") or not isinstance(
            graphql_type, GraphQLObjectType
        ):
            continue
        for name, field in graphql_type.fields.items():
            yield f"{type_name}.{name}", field


def schema_field(path: str) -> GraphQLField:
    """Return the field at `Type.field`."""
    type_name, name = path.split(".")
    graphql_type = GRAPHQL_SCHEMA.type_map[type_name]
    assert isinstance(graphql_type, GraphQLObjectType), type_name
    field: GraphQLField = graphql_type.fields[name]
    return field


def schema_enum(name: str) -> GraphQLEnumType:
    """Return the enum type called `name`."""
    graphql_type = GRAPHQL_SCHEMA.type_map[name]
    assert isinstance(graphql_type, GraphQLEnumType), name
    return graphql_type
