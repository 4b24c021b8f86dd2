"""Staff-only downloads of report snapshots (CSV)."""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Router

from apps.accounts.errors import TokenError
from apps.core.availability import (
    RETRY_AFTER_SECONDS,
    is_database_unavailable,
    log_unavailable,
)
from apps.reports import snapshots
from apps.reports.models import SalesReportSnapshot, SnapshotStatus
from webhooks.auth import aviewer_for_request
from webhooks.schemas import Refusal, ValidationRefusal

router = Router(tags=["reports"])


# The 200 is CSV, written by hand below, so Ninja cannot infer it: describe it
# here. openapi_extra is merged into the generated operation, whose response
# keys are ints: "503" would replace Ninja's 503 instead of adding to it.
_CSV_RESPONSE = {
    "responses": {
        200: {
            "description": (
                "CSV (RFC 4180, UTF-8) with a header row: bucket, orders, "
                "gross_revenue, net_revenue, units, currency; one row per "
                "bucket, then a `total` row. Amounts have two decimal places."
            ),
            "headers": {
                "Content-Disposition": {
                    "description": "attachment; filename=sales-<from>-<to>-<grouping>.csv",
                    "schema": {"type": "string"},
                }
            },
            "content": {"text/csv": {"schema": {"type": "string"}}},
        },
        503: {
            "headers": {
                "Retry-After": {
                    "description": "Seconds to wait before retrying.",
                    "schema": {"type": "integer"},
                }
            }
        },
    }
}


async def _is_staff(request: HttpRequest) -> bool:
    """A bearer access token (API clients) or the session (the admin)."""
    try:
        user = await aviewer_for_request(request)
    except TokenError:
        return False
    return bool(user.is_authenticated and user.is_active and user.is_staff)


@router.get(
    "/snapshots/{snapshot_id}.csv",
    summary="A report snapshot as CSV",
    description=(
        "The series (one row per bucket) and the totals of a READY snapshot. "
        "Staff only: a bearer access token or an admin session; 403 for "
        "anyone else, 404 for no such snapshot, 409 while it is not ready, "
        "422 for an ID that is not an integer, 503 (with Retry-After) while "
        "the database is unavailable."
    ),
    response={
        403: Refusal,
        404: Refusal,
        409: Refusal,
        422: ValidationRefusal,
        503: Refusal,
    },
    openapi_extra=_CSV_RESPONSE,
)
async def snapshot_csv(request: HttpRequest, snapshot_id: int) -> HttpResponse:
    try:
        return await _snapshot_csv(request, snapshot_id)
    except Exception as error:
        # Ninja would answer 500 (a traceback with DEBUG on): an outage is 503.
        if not is_database_unavailable(error):
            raise
        log_unavailable(error, where="reports.snapshot_csv")
        response = _error(
            503, "SERVICE_UNAVAILABLE", "The database is unavailable; retry shortly."
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response


async def _snapshot_csv(request: HttpRequest, snapshot_id: int) -> HttpResponse:
    if not await _is_staff(request):
        return _error(403, "FORBIDDEN", "Only staff may download reports.")
    snapshot = await SalesReportSnapshot.objects.filter(pk=snapshot_id).afirst()
    if snapshot is None:
        return _error(404, "NOT_FOUND", "No report snapshot has this ID.")
    if snapshot.status != SnapshotStatus.READY:
        return _error(409, "NOT_READY", f"The snapshot is {snapshot.status}.")
    body = await sync_to_async(snapshots.snapshot_csv)(snapshot)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    filename = f"sales-{snapshot.start}-{snapshot.end}-{snapshot.group_by.lower()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)
