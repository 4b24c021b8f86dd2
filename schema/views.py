"""The async GraphQL endpoint, held to the GraphQL-over-HTTP spec.

Spec: https://graphql.github.io/graphql-over-http/draft/ . Strawberry's stock
view executes well but gets the HTTP edges wrong for that spec: a GET mutation
gets 400 instead of 405, an unknown content type 400 instead of 415, errors are
text/plain, and `application/graphql-response+json` is never produced. This
subclass keeps Strawberry's execution and replaces those edges: method, Accept
and Content-Type checks, strict JSON decoding that refuses what the database
cannot store, status codes chosen per response media type, and Django's CSRF
check for browsers that carry a session cookie.

The rules live in schema/http/: negotiation, strict JSON, CSRF, request shape.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.template import Engine, RequestContext
from django.utils.cache import patch_vary_headers
from django.utils.decorators import classonlymethod
from django.views.decorators.csrf import csrf_exempt
from graphql import GraphQLError
from strawberry.django.views import AsyncGraphQLView
from strawberry.exceptions import MissingQueryError
from strawberry.file_uploads.utils import replace_placeholders_with_files
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http import process_result as format_result
from strawberry.http.base import BaseRequestProtocol
from strawberry.schema.base import BaseSchema
from strawberry.schema.exceptions import (
    CannotGetOperationTypeError,
    InvalidOperationTypeError,
)
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from apps.core import cache_tags, metrics
from apps.core.request_context import current_request_id
from schema.api import schema as api_schema
from schema.context import Context
from schema.core import (
    persisted_queries,
    prebuilt,
    response_cache,
    trusted_documents,
)
from schema.core.error_codes import THROTTLED
from schema.http import caching
from schema.http.availability import (
    RETRY_AFTER_SECONDS,
    SERVICE_UNAVAILABLE,
    is_database_unavailable,
    log_unavailable,
    unavailable_body,
)
from schema.http.csrf import check_csrf
from schema.http.negotiation import (
    GRAPHQL_RESPONSE_JSON,
    JSON,
    accepts_html,
    check_content_type,
    is_multipart,
    negotiate,
)
from schema.http.refusals import RequestRefused, bad_request
from schema.http.requests import coded, is_request_error, request_data, request_error
from schema.http.strict_json import check_value, decode_json_text

# GraphiQL's page, from schema/templates whatever TEMPLATES says: "schema" is
# not an installed app, and Strawberry's fallback page loads GraphiQL from a
# CDN. The csrf context processor is built in, so {{ csrf_token }} works.
_PAGES = Engine(dirs=[str(Path(__file__).resolve().parent / "templates")])

_DJANGO_JSON = DjangoJSONEncoder(separators=(",", ":"))

_ALLOWED_OPERATIONS = {
    "GET": frozenset({OperationType.QUERY}),
    "POST": frozenset({OperationType.QUERY, OperationType.MUTATION}),
}


class GraphQLView(AsyncGraphQLView[Context, None]):
    """Strawberry's async view with the spec's HTTP rules and a local GraphiQL."""

    schema = api_schema
    # The negotiated response media type; one view instance serves one request.
    media_type: str = JSON
    # The request's document and whether it is trusted (parse_http_body).
    admission: trusted_documents.Admission | None = None
    # An APQ hash and text to register once the text validates (execute_single).
    apq_registration: tuple[str, str] | None = None
    # The response body as written (create_response), for GET caching headers.
    response_body: GraphQLHTTPResponse | None = None
    served_graphiql: bool = False
    _STATUS_CODES: ClassVar[dict[int, str]] = {
        400: "BAD_REQUEST",
        404: "NOT_FOUND",
        405: "METHOD_NOT_ALLOWED",
    }

    def __init__(self, *, schema: BaseSchema = api_schema, **kwargs: Any) -> None:
        super().__init__(
            schema=schema,
            graphql_ide="graphiql" if settings.GRAPHQL_IDE else None,
            allow_queries_via_get=True,
            # Parsed by `_multipart` below, for staff uploads (docs/media.md).
            multipart_uploads_enabled=False,
            **kwargs,
        )

    @classonlymethod
    def as_view(cls, **initkwargs: Any) -> Callable[..., HttpResponse]:
        # Exempt from the CSRF middleware, which would demand a token from API
        # clients that hold no cookie. `dispatch` applies the same check to
        # requests that carry the session cookie, the ones CSRF can abuse.
        return csrf_exempt(super().as_view(**initkwargs))

    async def dispatch(  # type: ignore[override]
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        try:
            response = await self._respond(request)
        except HTTPException as error:
            response = self._refusal(error)
        except Exception as error:
            # Outside execution: the CSRF check reads the session store.
            if not is_database_unavailable(error):
                raise
            log_unavailable(error, where="graphql request")
            response = self._unavailable(unavailable_body())
        patch_vary_headers(response, ("Accept",))
        if request.method == "GET" and not self.served_graphiql:
            response = caching.apply(request, response, self.response_body)
        return response

    async def _respond(self, request: HttpRequest) -> HttpResponseBase:
        if request.method not in _ALLOWED_OPERATIONS:
            raise RequestRefused(
                405,
                "METHOD_NOT_ALLOWED",
                "GraphQL is served over GET (queries) and POST.",
                headers={"Allow": "GET, POST"},
            )
        if self._wants_graphiql(request.method, request.GET, request.headers):
            return await self.render_graphql_ide(request)
        media_type = negotiate(request.headers.get("Accept"))
        if media_type is None:
            # RECOMMENDED by the spec ("Body"): 406 rather than ignoring Accept.
            raise RequestRefused(
                406,
                "NOT_ACCEPTABLE",
                f"Responses are {GRAPHQL_RESPONSE_JSON} or {JSON}; "
                "the Accept header allows neither.",
            )
        self.media_type = media_type
        if request.method == "POST":
            check_content_type(request, multipart=is_multipart(request))
            await check_csrf(request)
        return await self.run(request)

    def _wants_graphiql(
        self, method: str | None, params: Mapping[str, Any], headers: Mapping[str, str]
    ) -> bool:
        """Serve GraphiQL to browsers only: GET, no query, text/html accepted."""
        return (
            self.graphql_ide is not None
            and method == "GET"
            and "query" not in params
            and "documentId" not in params
            and "extensions" not in params
            and accepts_html(headers.get("Accept"))
        )

    def should_render_graphql_ide(self, request: BaseRequestProtocol) -> bool:
        return self._wants_graphiql(
            request.method, request.query_params, request.headers
        )

    async def render_graphql_ide(self, request: HttpRequest) -> HttpResponse:
        self.served_graphiql = True
        page = _PAGES.get_template("graphql/graphiql.html")
        return HttpResponse(page.render(RequestContext(request)))

    async def get_context(
        self, request: HttpRequest, response: HttpResponse
    ) -> Context:
        return Context(
            request=request, response=response, request_id=current_request_id()
        )

    # Request parsing -------------------------------------------------------

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData:
        data: object
        if request.method == "GET":
            data = self._query_params(request.query_params)
        elif is_multipart(request):
            data = await self._multipart(request)
        else:
            data = self.decode_json(await request.get_body())
        parsed = request_data(data)
        self.admission = trusted_documents.admit(
            query=parsed.query,
            document_id=parsed.document_id,
            extensions=parsed.extensions,
        )
        await self._persisted_query(parsed)
        return replace(parsed, query=self.admission.query)

    async def _persisted_query(self, parsed: GraphQLRequestData) -> None:
        """Apollo APQ: find a registered text, or note one to register."""
        sha256 = persisted_queries.requested_hash(parsed.extensions)
        if sha256 is None or not persisted_queries.registers():
            if sha256 is not None and parsed.query is not None:
                persisted_queries.check_text(parsed.query, sha256)
            return
        if parsed.query is not None:
            persisted_queries.check_text(parsed.query, sha256)
            self.apq_registration = (sha256, parsed.query)
            return
        assert self.admission is not None, "admitted just before"
        if self.admission.refusal is None:
            return  # a manifest document
        text = await persisted_queries.alookup(sha256)
        if text is not None:
            self.admission = trusted_documents.Admission(query=text, trusted=False)

    async def _multipart(self, request: AsyncHTTPRequestAdapter) -> object:
        """The GraphQL multipart request spec: `operations`, `map`, then the files.

        `operations` is checked like a JSON body; each file replaces the
        variable `map` names (strawberry's helper).
        """
        try:
            form = await request.get_form_data()
        except ValueError:
            raise bad_request("The multipart body could not be read.") from None
        operations = form.form.get("operations")
        files_map = form.form.get("map")
        if not isinstance(operations, str) or not isinstance(files_map, str):
            raise bad_request("A multipart request needs `operations` and `map`.")
        data = self.decode_json(operations)
        paths = decode_json_text(files_map, pointer="/map")
        if not isinstance(data, dict) or not isinstance(paths, dict):
            raise bad_request("`operations` and `map` must be JSON objects.")
        try:
            return replace_placeholders_with_files(data, paths, form.files)
        except (KeyError, IndexError, TypeError, ValueError):
            raise bad_request(
                "`map` names a file or a variable path that is not there."
            ) from None

    def _query_params(self, params: Mapping[str, Any]) -> dict[str, object]:
        data: dict[str, object] = {}
        for name in ("query", "operationName", "documentId"):
            value = params.get(name)
            if isinstance(value, str):
                check_value(value, f"/{name}")
                data[name] = value
        # GET spec: an empty operationName is the same as none.
        data["operationName"] = data.get("operationName") or None
        for name in ("variables", "extensions"):
            value = params.get(name)
            if isinstance(value, str) and value:
                data[name] = decode_json_text(value, pointer=f"/{name}")
        return data

    def encode_json(self, data: object) -> bytes:
        """orjson: a tenth of json.dumps's CPU on a page of products.

        The same JSON as Strawberry's encoder (compact, UTF-8 rather than
        escaped code points). Prebuilt values (schema/core/prebuilt.py) are
        spliced as they are; anything else orjson does not know goes to
        Django's encoder.
        A refusal that quotes a lone surrogate (a JSON key, say) cannot be
        UTF-8, so it takes json.dumps's escapes instead.
        """
        try:
            return orjson.dumps(data, default=_default)
        except orjson.JSONEncodeError:
            return _DJANGO_JSON.encode(prebuilt.plain(data)).encode()

    def decode_json(self, data: str | bytes) -> object:
        if isinstance(data, bytes):
            try:
                data = data.decode("utf-8")
            except UnicodeDecodeError:
                raise bad_request("The request body is not UTF-8.") from None
        return decode_json_text(data)

    # Execution ---------------------------------------------------------------

    async def execute_single(
        self,
        request: HttpRequest,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: HttpResponse,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        method = request_adapter.method
        refusal = await self._trust_refusal(request_data, context)
        if refusal is not None:
            return request_error(refusal.message, refusal.code)
        assert self.admission is not None, "set by parse_http_body"
        context.trusted_document = self.admission.trusted
        cache_key, before = None, None
        if not caching.has_credentials(request):
            cache_key = response_cache.cache_key(
                request_data.query, request_data.operation_name, request_data.variables
            )
        if cache_key is not None:
            cached = await response_cache.alookup(cache_key)
            sub_response["X-Response-Cache"] = "HIT" if cached is not None else "MISS"
            metrics.graphql_response_cache.labels(
                "hit" if cached is not None else "miss"
            ).inc()
            if cached is not None:
                return ExecutionResult(data=cached, errors=None)
            before = await response_cache.abefore()
        try:
            with cache_tags.collecting() as reads:
                result = await self.schema.execute(
                    request_data.query,
                    root_value=root_value,
                    variable_values=request_data.variables,
                    context_value=context,
                    operation_name=request_data.operation_name,
                    allowed_operation_types=_ALLOWED_OPERATIONS[method],
                    operation_extensions=request_data.extensions,
                )
        except InvalidOperationTypeError as error:
            if method == "GET" and error.operation_type == OperationType.MUTATION:
                # Spec "GET": MUST answer 405 and halt; POST would run it.
                raise RequestRefused(
                    405,
                    "METHOD_NOT_ALLOWED",
                    "Mutations must be sent with POST; GET only runs queries.",
                    headers={"Allow": "POST"},
                ) from error
            return request_error(
                "Subscriptions are not served over HTTP.", "OPERATION_NOT_SUPPORTED"
            )
        except CannotGetOperationTypeError as error:
            return request_error(error.as_http_error_reason(), "OPERATION_NOT_FOUND")
        except MissingQueryError as error:
            raise bad_request("The `query` parameter is empty.") from error
        if self.apq_registration is not None and not is_request_error(result):
            # It parsed and validated: later requests may send the hash alone.
            await persisted_queries.aregister(*self.apq_registration)
        if cache_key and before is not None and result.data and not result.errors:
            await response_cache.astore(cache_key, result.data, reads, before)
        return result

    async def _trust_refusal(
        self, request_data: GraphQLRequestData, context: Context
    ) -> trusted_documents.Refusal | None:
        """Refuse an unknown documentId, or an untrusted document in strict mode."""
        assert self.admission is not None, "set by parse_http_body"

        async def ais_staff() -> bool:
            try:
                viewer = await context.auser()
            except GraphQLError:  # a bad token: not staff
                return False
            return viewer.is_staff

        return await trusted_documents.arefusal(
            self.admission,
            operation_name=request_data.operation_name,
            ais_staff=ais_staff,
        )

    # Responses ---------------------------------------------------------------

    async def process_result(
        self, request: HttpRequest, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        if not is_request_error(result):
            return format_result(result)
        # A request error stops execution, so the GraphQL spec ("Response
        # Format") says the response has no `data` entry at all.
        response: GraphQLHTTPResponse = {
            "errors": [coded(error, result) for error in result.errors or ()]
        }
        if result.extensions:
            response["extensions"] = result.extensions
        return response

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: HttpResponse,
    ) -> HttpResponseBase:
        assert not isinstance(response_data, list), "batching is off"
        self.response_body = response_data
        _count_errors(response_data)
        if SERVICE_UNAVAILABLE in _codes(response_data):
            # The whole response, whatever the resolvers set on sub_response.
            return self._unavailable(response_data)
        response = HttpResponse(
            self.encode_json(response_data),
            status=self._status_for(response_data),
            content_type=f"{self.media_type}; charset=utf-8",
        )
        # Resolvers may set headers, cookies or a status on the context's
        # response; carry them over, but never its JSON content type.
        for name, value in sub_response.items():
            if name.lower() != "content-type":
                response[name] = value
        if sub_response.status_code:
            response.status_code = sub_response.status_code
        if (wait := _throttled_for(response_data)) is not None:
            # The whole request was refused before it ran (query cost bucket).
            response.status_code = 429
            response["Retry-After"] = str(wait)
        for name, morsel in sub_response.cookies.items():
            response.cookies[name] = morsel
        return response

    def _status_for(self, response_data: GraphQLHTTPResponse) -> int:
        """Spec "Status Codes": 200 for any application/json GraphQL response.

        application/graphql-response+json distinguishes: a response with `data`
        (even null, a partial response) is 200; one without `data` is a request
        error, 400, or 500 when it hides a server fault.
        """
        if self.media_type == JSON or "data" in response_data:
            return 200
        return 500 if "INTERNAL_SERVER_ERROR" in _codes(response_data) else 400

    def _unavailable(self, body: Mapping[str, object]) -> HttpResponse:
        """503 in either media type: the database is unreachable, retry soon."""
        response = HttpResponse(
            self.encode_json(body),
            status=503,
            content_type=f"{self.media_type}; charset=utf-8",
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    def _refusal(self, error: HTTPException) -> HttpResponse:
        if isinstance(error, RequestRefused):
            code, headers, pointer = error.code, error.headers, error.pointer
        else:  # raised inside Strawberry
            code = self._STATUS_CODES.get(error.status_code, "BAD_REQUEST")
            headers, pointer = {}, None
        extensions: dict[str, object] = {"code": code}
        if pointer is not None:
            extensions["pointer"] = pointer
        body = {"errors": [{"message": error.reason, "extensions": extensions}]}
        response = HttpResponse(
            self.encode_json(body),
            status=error.status_code,
            content_type=f"{self.media_type}; charset=utf-8",
        )
        for name, value in headers.items():
            response[name] = value
        return response


def _default(value: object) -> object:
    """Orjson's fallback: prebuilt JSON as it is, else Django's encoder's rules."""
    if isinstance(value, prebuilt.Prebuilt):
        return value.fragment
    return _DJANGO_JSON.default(value)


def _throttled_for(response_data: Mapping[str, Any]) -> int | None:
    """The seconds to wait when the request was refused as THROTTLED, else None."""
    if "data" in response_data:
        return None  # a field's THROTTLED (tokenCreate) is a GraphQL result: 200
    for error in response_data.get("errors") or ():
        extensions = error.get("extensions", {}) if isinstance(error, dict) else {}
        if extensions.get("code") == THROTTLED:
            return int(extensions.get("retryAfter") or 1)
    return None


def _codes(response_data: Mapping[str, Any]) -> set[object]:
    return {
        error.get("extensions", {}).get("code")
        for error in response_data.get("errors") or ()
        if isinstance(error, dict)
    }


# Codes come from this API's vocabularies (schema/core/error_codes.py); any
# other string (a resolver's stray code) is counted as OTHER, not as a label.
_CODE = re.compile(r"^[A-Z][A-Z0-9_]{0,63}$")


def _count_errors(response_data: Mapping[str, Any]) -> None:
    for error in response_data.get("errors") or ():
        code = (
            error.get("extensions", {}).get("code") if isinstance(error, dict) else None
        )
        label = code if isinstance(code, str) and _CODE.match(code) else "OTHER"
        metrics.graphql_errors.labels(label).inc()
