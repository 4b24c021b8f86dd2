"""Background work about the catalog: product image renditions."""

from __future__ import annotations

from django.tasks import task

from apps.catalog import media


@task(queue_name="analytics")
def media_renditions_make_task(*, media_id: int) -> int:
    """Make an image's missing renditions; return how many were made."""
    return media.renditions_make(media_id=media_id)
