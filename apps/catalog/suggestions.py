"""Predictive search: what to suggest while a shopper is still typing.

The last word is usually unfinished, so every word matches as a prefix of a
word ("lin dre" finds "Linen Midi Dress"). On PostgreSQL products match
through the search vectors' name, brand and category words (weights A and
B) and are ranked; elsewhere, and for categories, brands and collections
(small sets), each typed word must start a word of the name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from asgiref.sync import sync_to_async
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import Count, F, Q

from apps.catalog import collections, models, search
from apps.catalog.rows import CategoryRow, CollectionRow, ProductRow
from apps.catalog.selectors import CATEGORY_COLUMNS, PRODUCT_COLUMNS
from apps.core import cache_tags

MAX_SUGGESTIONS = 20  # per kind
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
    published = models.Product.objects.filter(is_published=True)
    if search.full_text():
        # Prefix terms restricted to name (A) and brand/category (B) words.
        raw = " & ".join(f"{word}:*AB" for word in words)
        query = SearchQuery(raw, search_type="raw", config=search.CONFIG)
        ranked = published.filter(search_vector=query).order_by(
            SearchRank(F("search_vector"), query).desc(), "name", "id"
        )
    else:
        ranked = published.filter(_starts_words("name", words)).order_by("name", "id")
    return [ProductRow(**row) for row in ranked.values(*PRODUCT_COLUMNS)[:first]]


def _categories(words: list[str], first: int) -> list[CategoryRow]:
    rows = (
        models.Category.objects.filter(_starts_words("name", words))
        .order_by("name", "id")
        .values(*CATEGORY_COLUMNS)[:first]
    )
    return [CategoryRow(**row) for row in rows]


def _brands(words: list[str], first: int) -> list[BrandRow]:
    rows = (
        models.Product.objects.filter(_starts_words("brand", words), is_published=True)
        .values("brand")
        .annotate(count=Count("id"))
        .order_by("-count", "brand")
        .values_list("brand", "count")[:first]
    )
    return [BrandRow(name=name, product_count=count) for name, count in rows]


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
    words = _PREFIX.findall(text.lower())[:MAX_WORDS]
    if not words:
        return Suggestions(products=[], categories=[], brands=[], collections=[])
    return Suggestions(
        products=_products(words, first),
        categories=_categories(words, first),
        brands=_brands(words, first),
        collections=_collections(words, first),
    )


asearch_suggestions = sync_to_async(search_suggestions)
