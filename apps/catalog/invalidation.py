"""Cached responses go stale when the catalog rows they hold change.

Every save or delete of a product, variant or category bumps the tags
of what it changed (apps/core/cache_tags.py), after commit. Stock is left
out on purpose: it changes with every order, and entries that read it live
only GRAPHQL_STOCK_STALENESS seconds (docs/caching.md). Bulk writes skip
these signals (`seed_demo` bumps the catalog itself).
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from apps.catalog import models
from apps.core import cache_tags


def _product_changed(sender: Any, instance: models.Product, **kwargs: Any) -> None:
    cache_tags.bump_on_commit(cache_tags.product(instance.pk), cache_tags.CATALOG)


def _variant_changed(
    sender: Any, instance: models.ProductVariant, **kwargs: Any
) -> None:
    cache_tags.bump_on_commit(
        cache_tags.product(instance.product_id), cache_tags.CATALOG
    )


def _media_changed(sender: Any, instance: models.ProductMedia, **kwargs: Any) -> None:
    cache_tags.bump_on_commit(
        cache_tags.product(instance.product_id), cache_tags.CATALOG
    )


def _collection_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    cache_tags.bump_on_commit(cache_tags.CATALOG)


def _category_changed(sender: Any, instance: models.Category, **kwargs: Any) -> None:
    cache_tags.bump_on_commit(
        cache_tags.category(instance.pk), cache_tags.CATEGORIES, cache_tags.CATALOG
    )


def connect() -> None:
    """Connect the catalog's write signals (CatalogConfig.ready)."""
    for signal in (post_save, post_delete):
        signal.connect(_product_changed, sender=models.Product)
        signal.connect(_variant_changed, sender=models.ProductVariant)
        signal.connect(_category_changed, sender=models.Category)
        signal.connect(_media_changed, sender=models.ProductMedia)
        signal.connect(_collection_changed, sender=models.Collection)
        signal.connect(_collection_changed, sender=models.CollectionProduct)
