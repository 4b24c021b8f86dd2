"""Rules every part of the schema follows, checked by walking the built schema."""

from __future__ import annotations

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLObjectType,
    get_named_type,
    get_nullable_type,
)

from schema.api import schema
from tests.schema.test_query_counts import COUNTED_FIELDS

GRAPHQL_SCHEMA = schema._schema


def _own_types():
    for name, graphql_type in GRAPHQL_SCHEMA.type_map.items():
        if not name.startswith("__"):
            yield name, graphql_type


def test_every_type_field_argument_and_enum_value_has_a_description():
    missing = []
    for name, graphql_type in _own_types():
        if getattr(graphql_type, "description", None) in (None, "") and name not in {
            "String",
            "Int",
            "Boolean",
            "ID",
            "Float",
        }:
            missing.append(name)
        if isinstance(
            graphql_type,
            GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType,
        ):
            for field_name, field in graphql_type.fields.items():
                if not field.description:
                    missing.append(f"{name}.{field_name}")
                for arg_name, arg in getattr(field, "args", {}).items():
                    if not arg.description:
                        missing.append(f"{name}.{field_name}({arg_name})")
        if isinstance(graphql_type, GraphQLEnumType):
            missing.extend(
                f"{name}.{value_name}"
                for value_name, value in graphql_type.values.items()
                if not value.description
            )

    assert missing == []


def test_every_list_field_has_a_query_count_test():
    """A new list or connection field must get a row in test_query_counts."""
    list_fields = set()
    for name, graphql_type in _own_types():
        if not isinstance(graphql_type, GraphQLObjectType):
            continue
        for field_name, field in graphql_type.fields.items():
            returns = get_nullable_type(field.type)
            is_list = isinstance(returns, GraphQLList)
            is_connection = get_named_type(field.type).name.endswith("Connection")
            if (is_list or is_connection) and not name.endswith("Connection"):
                list_fields.add(f"{name}.{field_name}")

    assert list_fields - COUNTED_FIELDS == set()
