"""Query cost limits: refuse what costs too much, throttle who spends too fast.

Before execution the operation is priced (schema/core/cost.py). Above the
caller's maximum it is refused as QUERY_TOO_COSTLY; otherwise its cost is
taken from the caller's leaky bucket (apps.core.ratelimit, shared through
Redis), and a caller whose bucket cannot pay is refused as THROTTLED with
`retryAfter` (the view answers 429 with Retry-After). After execution what
was really returned is counted and the difference refunded. Every response
reports `extensions.cost` in the shape Shopify publishes.

The caller is the access token when a valid one is sent, else the address
(AUTH_TRUSTED_PROXY_HOPS honoured): an invalid token is charged to its
address, so made-up tokens cannot mint fresh buckets. A request with no
credentials at all is anonymous without a query, so a refusal runs no SQL.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from apps.core import ratelimit
from apps.core.availability import is_database_unavailable
from schema.context import Context
from schema.core.cost import PricedOperation, priced_operation
from schema.core.error_codes import QUERY_TOO_COSTLY, THROTTLED
from schema.http.client import client_address


@dataclass(frozen=True, slots=True)
class Caller:
    """Whose bucket pays and which limits apply."""

    key: str
    staff: bool

    @property
    def maximum_cost(self) -> int:
        if self.staff:
            return int(settings.GRAPHQL_MAX_QUERY_COST_STAFF)
        return int(settings.GRAPHQL_MAX_QUERY_COST)

    @property
    def bucket(self) -> ratelimit.Bucket:
        if self.staff:
            return ratelimit.Bucket(
                "graphql-cost-staff",
                float(settings.GRAPHQL_COST_BUCKET_CAPACITY_STAFF),
                float(settings.GRAPHQL_COST_BUCKET_RESTORE_RATE_STAFF),
            )
        return ratelimit.Bucket(
            "graphql-cost",
            float(settings.GRAPHQL_COST_BUCKET_CAPACITY),
            float(settings.GRAPHQL_COST_BUCKET_RESTORE_RATE),
        )


async def acaller(context: Context) -> Caller:
    """Return the caller: a valid access token's, a session user's, or the address's."""
    request = context.request
    address = f"address:{client_address(request)}"
    header = request.headers.get("Authorization")
    if header is None and settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return Caller(key=address, staff=False)
    try:
        user = await context.auser()
    except GraphQLError:  # INVALID_TOKEN, TOKEN_EXPIRED: the field that asks says so
        return Caller(key=address, staff=False)
    except Exception as error:
        if not is_database_unavailable(error):
            raise
        return Caller(key=address, staff=False)  # the fields answer 503
    if not user.is_authenticated:
        return Caller(key=address, staff=False)
    staff = bool(user.is_active and user.is_staff)
    if header is not None:
        digest = hashlib.sha256(header.encode()).hexdigest()[:32]
        return Caller(key=f"token:{digest}", staff=staff)
    return Caller(key=f"user:{user.pk}", staff=staff)


def cost_extension(
    requested: int, actual: int, level: ratelimit.Level | None
) -> dict[str, object]:
    """The `extensions.cost` object, named as Shopify names it."""
    cost: dict[str, object] = {
        "requestedQueryCost": requested,
        "actualQueryCost": actual,
    }
    if level is not None:
        cost["throttleStatus"] = {
            "maximumAvailable": _number(level.capacity),
            "currentlyAvailable": _number(max(0.0, level.available)),
            "restoreRate": _number(level.restore_rate),
        }
    return cost


def _number(value: float) -> int | float:
    """Whole numbers as ints (1000, not 1000.0); fractions to 2 places."""
    return int(value) if float(value).is_integer() else round(value, 2)


def refused(result_error: GraphQLError) -> GraphQLExecutionResult:
    """A result that stops execution before any resolver runs."""
    return GraphQLExecutionResult(data=None, errors=[result_error])


class QueryCost(SchemaExtension):
    """Price, cap and charge each operation; report `extensions.cost`."""

    _cost: dict[str, object] | None = None

    @property
    def cost(self) -> dict[str, object] | None:
        return self._cost

    @cost.setter
    def cost(self, value: dict[str, object] | None) -> None:
        # Also on the request's context, where the operation span reads it.
        self._cost = value
        request_context = self.execution_context.context
        if isinstance(request_context, Context):
            request_context.cost = value

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context
        document = context.graphql_document
        priced = (
            priced_operation(
                self.execution_context.schema._schema,
                document,
                context.operation_name,
                context.variables,
            )
            if document is not None
            else None
        )
        request_context = context.context
        if priced is None or not isinstance(request_context, Context):
            yield
            return
        requested = priced.requested_cost()
        caller = await acaller(request_context)
        bucket = caller.bucket
        if requested > caller.maximum_cost:
            level = await ratelimit.apeek(bucket, caller.key)
            self.cost = cost_extension(requested, 0, level)
            context.result = refused(_too_costly(requested, caller.maximum_cost))
            yield
            return
        level = await ratelimit.atake(bucket, caller.key, requested)
        if not level.allowed:
            self.cost = cost_extension(requested, 0, level)
            context.result = refused(_throttled(requested, level))
            yield
            return
        self.cost = cost_extension(requested, requested, level)
        yield
        await self._settle(priced, caller, requested, level)

    async def _settle(
        self,
        priced: PricedOperation,
        caller: Caller,
        requested: int,
        level: ratelimit.Level,
    ) -> None:
        """Charge what was returned: refund the rest, or take what lists exceeded."""
        result = self.execution_context.result
        data = getattr(result, "data", None)
        actual = priced.actual_cost(data)
        if actual < requested:
            level = await ratelimit.arefund(
                caller.bucket, caller.key, requested - actual
            )
        elif actual > requested:
            # A list past its stated bound (cost.LIST_BOUNDS): charged, never cut.
            level = await ratelimit.atake(caller.bucket, caller.key, actual - requested)
        self.cost = cost_extension(requested, actual, level)

    def get_results(self) -> dict[str, Any]:
        return {"cost": self.cost} if self.cost is not None else {}


class _Unpriced(SchemaExtension):
    """`execute_sync` (tests, scripts) cannot wait on Redis: no cost limits."""


def query_cost() -> SchemaExtension:
    """Build the cost extension for this execution.

    Strawberry refuses async hooks under `execute_sync`, and the bucket must
    be awaited (Redis); the HTTP view always executes in the event loop.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _Unpriced()
    return QueryCost()


def _too_costly(requested: int, maximum: int) -> GraphQLError:
    return GraphQLError(
        f"The query costs {requested} points; the maximum is {maximum}. "
        "Ask for fewer items (first/last) or fewer nested lists.",
        extensions={
            "code": QUERY_TOO_COSTLY,
            "cost": requested,
            "maximumCost": maximum,
        },
    )


def _throttled(requested: int, level: ratelimit.Level) -> GraphQLError:
    wait = level.retry_after_seconds
    return GraphQLError(
        f"Too many points spent: this query costs {requested} and "
        f"{int(max(0.0, level.available))} are available. Retry after {wait} s.",
        extensions={"code": THROTTLED, "retryAfter": wait},
    )
