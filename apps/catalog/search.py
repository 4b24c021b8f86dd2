"""Shopper text search: ranked full text on PostgreSQL, substring on SQLite.

On PostgreSQL every product carries a weighted search vector the database
keeps (migration 0008): name A, brand and category path B, attribute
values C, description D. A search is parsed with `websearch_to_tsquery`
(quotes, `or`, `-word`) and ranked with `ts_rank`, so "dress" puts the
products named "... Dress" above T-shirts whose descriptions say "dress up".
Words the catalog does not know are first corrected to the nearest word
it does, by trigram similarity ("drses" -> "dresses").

SQLite has no full-text index here: the embedded default keeps the
substring match and a coarse rank (name, then brand, then description).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import Case, F, FloatField, Q, Value, When
from django.db.models.expressions import Combinable
from django.db.models.functions import Cast

from apps.catalog import models

CONFIG = "english"  # the vectors' text search configuration (migration 0008)
TYPO_WORDS_MAX = 8  # words of one search checked for typos
# Letters only, as the lexicon holds them (migration 0008).
_WORD = re.compile(r"[^\W\d_]{3,40}")
# websearch_to_tsquery's own operator word, never a typo.
_OPERATORS = frozenset({"or"})

# For each word the catalog does not know (its stem is in no product's text)
# and that is not a stop word, the known word nearest by trigrams; `%` keeps
# pg_trgm's similarity threshold (0.3) and uses the GIN trigram index.
_CORRECTIONS_SQL = f"""
SELECT q.word, (
    SELECT s.word FROM {models.SearchWord._meta.db_table} s
    WHERE s.word %% q.word
    ORDER BY s.word <-> q.word, s.word
    LIMIT 1
)
FROM unnest(%s::text[]) AS q(word)
WHERE to_tsvector('{CONFIG}', q.word) <> ''::tsvector
  AND NOT EXISTS (
    SELECT 1 FROM {models.SearchWord._meta.db_table} s
    WHERE s.stem = (tsvector_to_array(to_tsvector('{CONFIG}', q.word)))[1]
  )
"""  # noqa: S608 (table and config names are ours, the words are parameters)

_PRUNE_SQL = f"""
DELETE FROM {models.SearchWord._meta.db_table} s
WHERE NOT EXISTS (
    SELECT 1 FROM {models.Product._meta.db_table} p
    WHERE p.search_vector @@ to_tsquery('{CONFIG}', quote_literal(s.word))
)
"""  # noqa: S608 (names are ours; no input)


def full_text() -> bool:
    """True where ranked full-text search is available (PostgreSQL)."""
    return connection.vendor == "postgresql"


@dataclass(frozen=True, slots=True)
class SearchTerms:
    """A shopper's search text and what is searched for once typos are fixed."""

    text: str
    query: str

    @property
    def corrected(self) -> str | None:
        """The searched text when it differs from what was typed, else None."""
        return self.query if self.query != self.text else None


def search_terms(text: str) -> SearchTerms:
    """Return the terms for `text` (stripped), its unknown words corrected.

    One small query on PostgreSQL; none on SQLite, where nothing is corrected.
    """
    text = text.strip()
    words = [
        word
        for word in dict.fromkeys(match.lower() for match in _WORD.findall(text))
        if word not in _OPERATORS
    ][:TYPO_WORDS_MAX]
    if not words or not full_text():
        return SearchTerms(text, text)
    with connection.cursor() as cursor:
        cursor.execute(_CORRECTIONS_SQL, [words])
        fixes = {wrong: right for wrong, right in cursor.fetchall() if right}
    query = text
    for wrong, right in fixes.items():
        query = re.sub(rf"\b{re.escape(wrong)}\b", right, query, flags=re.IGNORECASE)
    return SearchTerms(text, query)


def _query(terms: SearchTerms) -> SearchQuery:
    return SearchQuery(terms.query, search_type="websearch", config=CONFIG)


def matches(terms: SearchTerms) -> Q:
    """The condition a product meets to match the terms."""
    if full_text():
        return Q(search_vector=_query(terms))
    return (
        Q(name__icontains=terms.query)
        | Q(brand__icontains=terms.query)
        | Q(description__icontains=terms.query)
    )


def rank(terms: SearchTerms) -> Combinable:
    """How well a matching product matches: higher first (a float)."""
    if full_text():
        # ts_rank is a real (float4); as double precision its value reads
        # back exactly, so a cursor's rank compares equal to the row's.
        return Cast(SearchRank(F("search_vector"), _query(terms)), FloatField())
    return Case(
        When(name__icontains=terms.query, then=Value(3.0)),
        When(brand__icontains=terms.query, then=Value(2.0)),
        default=Value(1.0),
        output_field=FloatField(),
    )


def search_words_prune() -> int:
    """Drop lexicon words no product's text holds any more; return how many.

    New words are added by the database as products are written; this only
    keeps corrections from pointing at words that would find nothing.
    """
    if not full_text():
        return 0
    with connection.cursor() as cursor:
        cursor.execute(_PRUNE_SQL)
        return int(cursor.rowcount)
