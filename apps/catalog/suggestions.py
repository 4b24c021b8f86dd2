"""Predictive search: what to suggest while a shopper is still typing.

The last word is usually unfinished, so every typed word must start a word
of the name ("lin dre" finds "Linen Midi Dress"), the same on PostgreSQL
and SQLite; products, categories and collections by name, brands by how
many products they have.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import cast

from asgiref.sync import sync_to_async
from django.core.cache import cache
from django.db.models import Count, Q

from apps.catalog import collections, models
from apps.catalog.rows import CategoryRow, CollectionRow, ProductRow
from apps.catalog.selectors import CATEGORY_COLUMNS, PRODUCT_COLUMNS
from apps.core import cache_tags

MAX_SUGGESTIONS = 20  # per kind
BRANDS_CACHE_SECONDS = 60
_BRANDS_KEY = "catalog:suggestions:brands"
MAX_WORDS = 8  # of the typed text; more narrow nothing a shopper would see
_PREFIX = re.compile(r"[^\W_]+")


@dataclass(frozen=True, slots=True, kw_only=True)
class BrandRow:
    name: str
    product_count: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Suggestions:
    products: list[ProductRow]
    categories: list[CategoryRow]
    brands: list[BrandRow]
    collections: list[CollectionRow]


def _starts_words(field: str, words: list[str]) -> Q:
    """Each word starts a word of `field` (any case), portably."""
    condition = Q()
    for word in words:
        condition &= Q(**{f"{field}__istartswith": word}) | Q(
            **{f"{field}__icontains": f" {word}"}
        )
    return condition


def _products(words: list[str], first: int) -> list[ProductRow]:
    # A word prefix of the name, through the trigram index on PostgreSQL;
    # ranking the vector's prefix matches cost 25 to 130 ms a keystroke on
    # 100,000 products (bench/search.py), this 2 to 10.
    rows = (
        models.Product.objects.filter(_starts_words("name", words), is_published=True)
        .order_by("name", "id")
        .values(*PRODUCT_COLUMNS)[:first]
    )
    return [ProductRow(**row) for row in rows]


def _categories(words: list[str], first: int) -> list[CategoryRow]:
    rows = (
        models.Category.objects.filter(_starts_words("name", words))
        .order_by("name", "id")
        .values(*CATEGORY_COLUMNS)[:first]
    )
    return [CategoryRow(**row) for row in rows]


def _brand_counts() -> list[tuple[str, int]]:
    """Every brand of published products and their count, most first.

    Kept for BRANDS_CACHE_SECONDS: counting on every keystroke read every
    product of a common prefix's brands (43 ms on 100,000 products), and
    the list of brands changes far more slowly than shoppers type.
    """

    def count() -> list[tuple[str, int]]:
        rows = (
            models.Product.objects.filter(is_published=True)
            .values("brand")
            .annotate(count=Count("id"))
            .order_by("-count", "brand")
            .values_list("brand", "count")
        )
        return list(rows)

    found = cache.get_or_set(_BRANDS_KEY, count, BRANDS_CACHE_SECONDS)
    return cast("list[tuple[str, int]]", found)


def _brands(words: list[str], first: int) -> list[BrandRow]:
    def matches(brand: str) -> bool:
        folded = brand.casefold()
        return all(folded.startswith(word) or f" {word}" in folded for word in words)

    found = (
        BrandRow(name=name, product_count=count)
        for name, count in _brand_counts()
        if matches(name)
    )
    return list(itertools.islice(found, first))


def _collections(words: list[str], first: int) -> list[CollectionRow]:
    rows = (
        collections.visible()
        .filter(_starts_words("name", words))
        .order_by("sort_order", "name", "id")
        .values(*collections.COLLECTION_COLUMNS)[:first]
    )
    return [CollectionRow(**row) for row in rows]


def search_suggestions(*, text: str, first: int) -> Suggestions:
    """Up to `first` products, categories, brands and collections for `text`.

    Four queries whatever the text; none for text without a word.
    """
    cache_tags.record(cache_tags.CATALOG)
    words = _PREFIX.findall(text.casefold())[:MAX_WORDS]
    if not words:
        return Suggestions(products=[], categories=[], brands=[], collections=[])
    return Suggestions(
        products=_products(words, first),
        categories=_categories(words, first),
        brands=_brands(words, first),
        collections=_collections(words, first),
    )


asearch_suggestions = sync_to_async(search_suggestions)
