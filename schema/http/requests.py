"""The GraphQL-over-HTTP request and its request errors (spec "Request Parameters")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import GraphQLError, GraphQLSyntaxError
from strawberry.http import GraphQLRequestData
from strawberry.types import ExecutionResult
from strawberry.types.execution import PreExecutionError

from schema.core.trusted_documents import apollo_hash
from schema.http.refusals import bad_request


@dataclass
class DocumentRequestData(GraphQLRequestData):
    """A request that may name its document instead of sending it.

    `documentId` is from the persisted-documents appendix of GraphQL-over-HTTP;
    schema/core/trusted_documents.py finds its text.
    """

    document_id: str | None = None


def request_data(data: object) -> DocumentRequestData:
    """Check the shape of a GraphQL-over-HTTP request (spec "Request Parameters")."""
    if isinstance(data, list):
        raise bad_request("Batched requests are not supported; send one operation.")
    if not isinstance(data, dict):
        raise bad_request("The request must be a JSON object.")
    query, document_id = data.get("query"), data.get("documentId")
    if not isinstance(document_id, str | None):
        raise bad_request("`documentId` must be a string.", pointer="/documentId")
    if query is not None and document_id is not None:
        raise bad_request(
            "Send either `query` or `documentId`, not both.", pointer="/documentId"
        )
    if query is None and document_id is None and not _names_apollo_hash(data):
        raise bad_request("The `query` parameter is required.", pointer="/query")
    if not isinstance(query, str | None):
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
    return DocumentRequestData(
        query=query,
        variables=variables,
        operation_name=operation_name,
        extensions=extensions,
        protocol="http",
        document_id=document_id,
    )


def _names_apollo_hash(data: dict[str, Any]) -> bool:
    extensions = data.get("extensions")
    return isinstance(extensions, dict) and apollo_hash(extensions) is not None


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
