"""Staff-only downloads of report snapshots (CSV)."""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Router

from apps.accounts import selectors as account_selectors
from apps.accounts.errors import TokenError
from apps.reports import snapshots
from apps.reports.models import SalesReportSnapshot, SnapshotStatus

router = Router(tags=["reports"])


async def _is_staff(request: HttpRequest) -> bool:
    """A bearer access token (API clients) or the session (the admin)."""
    try:
        user = await account_selectors.aviewer_for_request(request)
    except TokenError:
        return False
    return bool(user.is_authenticated and user.is_active and user.is_staff)


@router.get(
    "/snapshots/{snapshot_id}.csv",
    summary="A report snapshot as CSV",
    description=(
        "The series (one row per bucket) and the totals of a READY snapshot. "
        "Staff only: a bearer access token or an admin session; 403 for "
        "anyone else, 404 for no such snapshot, 409 while it is not ready."
    ),
    response={
        200: str,
        403: dict[str, dict[str, str]],
        404: dict[str, dict[str, str]],
        409: dict[str, dict[str, str]],
    },
)
async def snapshot_csv(request: HttpRequest, snapshot_id: int) -> HttpResponse:
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
