"""Serve stored product images from the filesystem storage, cacheable for a year.

Only with the default filesystem storage: with S3 the URLs point at the
bucket (or its CDN) and this route is not mounted. Every stored name holds
its original's content hash, so a response never changes and carries
`immutable`. Written as a view, not Granian's static route, because that
route has one expiry for every mount and the admin's unhashed static files
must not be cached for a year.
"""

from __future__ import annotations

import mimetypes

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest, HttpResponseBase
from django.views.decorators.http import require_safe

from config.errors import not_found

_TYPES = {".webp": "image/webp", ".jpeg": "image/jpeg", ".png": "image/png"}


@require_safe
def media(request: HttpRequest, name: str) -> HttpResponseBase:
    """One stored file by its storage name; unknown names are the JSON 404."""
    try:
        path = default_storage.path(name)
        handle = open(path, "rb")  # noqa: SIM115 - FileResponse closes it
    except (SuspiciousFileOperation, FileNotFoundError, IsADirectoryError):
        return not_found(request)
    suffix = name[name.rfind(".") :].lower() if "." in name else ""
    content_type = _TYPES.get(suffix) or mimetypes.guess_type(name)[0]
    response = FileResponse(
        handle, content_type=content_type or "application/octet-stream"
    )
    response["Cache-Control"] = settings.MEDIA_CACHE_CONTROL
    response["X-Content-Type-Options"] = "nosniff"
    return response


def serves_media() -> bool:
    """Whether the app serves MEDIA_URL itself (filesystem storage, a local URL)."""
    default = settings.STORAGES["default"]
    backend = str(default["BACKEND"]) if isinstance(default, dict) else ""
    return settings.MEDIA_URL.startswith("/") and backend.endswith(".FileSystemStorage")
