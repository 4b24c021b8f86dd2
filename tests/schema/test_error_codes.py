"""Payload error codes are the domain's codes, generated rather than copied."""

from __future__ import annotations

import pytest
from django.test import override_settings

from apps.core.idempotency import IdempotencyErrorCode
from apps.orders.errors import OrderErrorCode
from schema.core.error_codes import GENERATED, documented
from tests.support.schema_walk import GRAPHQL_SCHEMA
from tests.support.schema_walk import schema_enum as _enum


def test_every_payload_error_code_enum_is_generated_from_the_domain():
    code_enums = {
        graphql_type.fields["code"].type.of_type.name
        for name, graphql_type in GRAPHQL_SCHEMA.type_map.items()
        if name.endswith("Error") and hasattr(graphql_type, "fields")
    }

    assert code_enums == set(GENERATED)


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_every_domain_code_is_in_its_graphql_enum(name):
    generated = GENERATED[name]
    domain = {
        code.name: code.value
        for source in generated.sources
        for code in source
        if code not in generated.excluded and code.value != "NOT_PERMITTED"
    }

    graphql_values = {
        value_name: value.value for value_name, value in _enum(name).values.items()
    }

    assert graphql_values == domain


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_each_generated_value_carries_the_domain_description(name):
    generated = GENERATED[name]
    first_source = {}
    for source in reversed(generated.sources):
        first_source.update({code.name: code for code in source})

    for value_name, value in _enum(name).values.items():
        assert value.description == documented(first_source[value_name])
        assert value.description


def test_an_excluded_code_must_be_a_code_of_a_source():
    for generated in GENERATED.values():
        for code in generated.excluded:
            assert type(code) in generated.sources


def test_idempotency_codes_reach_every_mutation_that_takes_a_key():
    for name in ("AccountErrorCode", "OrderErrorCode", "PaymentErrorCodeEnum"):
        assert {code.name for code in IdempotencyErrorCode} <= set(_enum(name).values)


def test_a_limit_in_a_description_is_read_from_settings():
    with override_settings(ORDERS_MAX_UNITS_PER_LINE=7):
        description = documented(OrderErrorCode.LINE_LIMIT_EXCEEDED)

    assert description == "A line asks for more than 7 units."


def test_the_published_description_states_the_configured_limit(settings):
    assert _enum("OrderErrorCode").values["LINE_LIMIT_EXCEEDED"].description == (
        f"A line asks for more than {settings.ORDERS_MAX_UNITS_PER_LINE} units."
    )
