"""The GraphQL-over-HTTP request and its request errors (spec "Request Parameters")."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError, GraphQLSyntaxError
from strawberry.http import GraphQLRequestData
from strawberry.types import ExecutionResult
from strawberry.types.execution import PreExecutionError

from schema.http.refusals import bad_request


def request_data(data: object) -> GraphQLRequestData:
    """Check the shape of a GraphQL-over-HTTP request (spec "Request Parameters")."""
    if isinstance(data, list):
        raise bad_request("Batched requests are not supported; send one operation.")
    if not isinstance(data, dict):
        raise bad_request("The request must be a JSON object.")
    query = data.get("query")
    if query is None:
        raise bad_request("The `query` parameter is required.", pointer="/query")
    if not isinstance(query, str):
        raise bad_request("`query` must be a string.", pointer="/query")
    operation_name = data.get("operationName")
    if not isinstance(operation_name, str | None):
        raise bad_request(
            "`operationName` must be a string or null.", pointer="/operationName"
        )
    variables, extensions = data.get("variables"), data.get("extensions")
    for name, value in (("variables", variables), ("extensions", extensions)):
        if not isinstance(value, dict | None):
            raise bad_request(
                f"`{name}` must be an object or null.", pointer=f"/{name}"
            )
    return GraphQLRequestData(
        query=query,
        variables=variables,
        operation_name=operation_name,
        extensions=extensions,
        protocol="http",
    )


def request_error(message: str, code: str) -> PreExecutionError:
    return PreExecutionError(
        data=None, errors=[GraphQLError(message, extensions={"code": code})]
    )


def is_request_error(result: ExecutionResult) -> bool:
    """True when execution never started: parsing, validation or variables.

    Field errors always carry a `path` (GraphQL spec "Errors"); request errors
    never do, so a null `data` with only path-less errors is a request error.
    """
    if isinstance(result, PreExecutionError):
        return True
    return (
        result.data is None
        and bool(result.errors)
        and all(error.path is None for error in result.errors or ())
    )


def coded(error: GraphQLError, result: ExecutionResult) -> dict[str, Any]:
    """Format a request error, adding an `extensions.code` when it has none."""
    formatted: dict[str, Any] = dict(error.formatted)
    extensions = dict(formatted.get("extensions") or {})
    if "code" not in extensions:
        if isinstance(error, GraphQLSyntaxError):
            extensions["code"] = "GRAPHQL_PARSE_FAILED"
        elif isinstance(result, PreExecutionError):
            extensions["code"] = "GRAPHQL_VALIDATION_FAILED"
        else:  # CoerceVariableValues() failed
            extensions["code"] = "BAD_USER_INPUT"
    formatted["extensions"] = extensions
    return formatted
