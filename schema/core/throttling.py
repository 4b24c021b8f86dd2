"""How a throttled field tells the HTTP layer to say when to come back."""

from __future__ import annotations

from schema.context import Info


def retry_after(info: Info, seconds: int) -> None:
    """Add `Retry-After` to the response of a field refused as THROTTLED.

    The field's payload still carries `errors { code: THROTTLED }` with the
    wait in its message; the status stays 200 because the response holds a
    GraphQL result (GraphQL over HTTP). A whole request refused before
    execution answers 429 instead (the query-cost bucket).
    """
    info.context.response.headers["Retry-After"] = str(max(1, seconds))
