"""Collections shoppers may see: published, inside their window, in staff's order."""

from __future__ import annotations

from datetime import datetime

from asgiref.sync import sync_to_async
from django.db.models import Q, QuerySet
from django.utils import timezone

from apps.catalog import models
from apps.catalog.rows import CollectionRow
from apps.core import cache_tags
from apps.core.pagination import Ordering, Page, Window, keyset_page

COLLECTION_COLUMNS = (
    "id",
    "name",
    "slug",
    "description",
    "sort_order",
    "seo_title",
    "seo_description",
    "image_original",
    "image_renditions",
    "image_alt",
)
COLLECTION_ORDERING = Ordering(field="sort_order")


def visible(now: datetime | None = None) -> QuerySet[models.Collection]:
    """Published collections whose window holds `now` (either end may be open)."""
    now = now or timezone.now()
    return models.Collection.objects.filter(
        Q(is_published=True)
        & (Q(published_from__isnull=True) | Q(published_from__lte=now))
        & (Q(published_until__isnull=True) | Q(published_until__gt=now))
    )


def collection_page(*, window: Window) -> Page[CollectionRow]:
    """One page of visible collections by their order, ties broken by id.

    Raises:
        DomainError: INVALID_CURSOR for a cursor of another ordering.
    """
    cache_tags.record(cache_tags.CATALOG)
    page = keyset_page(
        visible().values(*COLLECTION_COLUMNS), COLLECTION_ORDERING, window
    )
    return Page(
        rows=[CollectionRow(**row) for row in page.rows],
        positions=page.positions,
        has_next=page.has_next,
        has_previous=page.has_previous,
    )


def collection_count() -> int:
    """How many collections `collection_page` pages through."""
    cache_tags.record(cache_tags.CATALOG)
    return visible().count()


def collection_by_slug(*, slug: str) -> CollectionRow | None:
    """A visible collection by slug, or None (unpublished looks missing)."""
    cache_tags.record(cache_tags.CATALOG)
    row = visible().filter(slug=slug).values(*COLLECTION_COLUMNS).first()
    return CollectionRow(**row) if row else None


def collections_by_ids(ids: list[int]) -> dict[int, CollectionRow]:
    """Visible collections by id, one query; others are absent."""
    cache_tags.record(cache_tags.CATALOG)
    rows = visible().filter(pk__in=ids).values(*COLLECTION_COLUMNS)
    return {row["id"]: CollectionRow(**row) for row in rows}


acollection_page = sync_to_async(collection_page)
acollection_count = sync_to_async(collection_count)
acollection_by_slug = sync_to_async(collection_by_slug)
acollections_by_ids = sync_to_async(collections_by_ids)
