"""Shopper text search: ranked full text on PostgreSQL, substring on SQLite.

On PostgreSQL every product carries a weighted search vector the database
keeps (migration 0008): name A, brand and category path B, attribute
values C, description D. A search is parsed with `websearch_to_tsquery`
(quotes, `or`, `-word`) and ranked with `ts_rank`, so "dress" puts the
products named "... Dress" above T-shirts whose descriptions say "dress up".
Words the catalog does not know are first corrected to a word it does:
one edit away ("jakcet" -> "jacket"), else the nearest by trigram
similarity ("drses" -> "dresses").

SQLite has no full-text index here: the embedded default keeps the
substring match and a coarse rank (name, then brand, then description).
"""

from __future__ import annotations

import re
import string
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

# Trigram similarity alone misses transpositions ("jakcet" is 0.27 from
# "jacket") and, on short words, finds far ones ("red" is 0.33 from
# "relaxed"). So a word is first looked up one edit away (the lexicon's
# primary key finds those exactly); trigrams, for longer words only, catch
# the rest.
TRIGRAM_MIN_LENGTH = 5

# For each word the catalog does not know (its stem is in no product's text)
# and that is not a stop word: a known word one edit away, else, for words
# of TRIGRAM_MIN_LENGTH letters or more, the known word nearest by trigrams
# (`%`: pg_trgm's similarity threshold, 0.3, through the GIN trigram index).
_CORRECTIONS_SQL = f"""
WITH unknown AS (
    SELECT q.word FROM unnest(%(words)s::text[]) AS q(word)
    WHERE to_tsvector('{CONFIG}', q.word) <> ''::tsvector
      AND NOT EXISTS (
        SELECT 1 FROM {models.SearchWord._meta.db_table} s
        WHERE s.stem = (tsvector_to_array(to_tsvector('{CONFIG}', q.word)))[1]
      )
), candidates AS (
    SELECT e.word, s.word AS fix, 0 AS tier
    FROM unnest(%(edited)s::text[], %(edits)s::text[]) AS e(word, edit)
    JOIN {models.SearchWord._meta.db_table} s ON s.word = e.edit
    WHERE e.word IN (SELECT word FROM unknown)
    UNION ALL
    SELECT u.word, s.word, 1
    FROM unknown u
    JOIN {models.SearchWord._meta.db_table} s ON s.word %% u.word
    WHERE char_length(u.word) >= {TRIGRAM_MIN_LENGTH}
)
SELECT DISTINCT ON (word) word, fix FROM candidates
WHERE to_tsvector('{CONFIG}', fix) <> ''::tsvector
ORDER BY word, tier, similarity(fix, word) DESC, fix
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


def one_edit_away(word: str) -> set[str]:
    """Every string one deletion, swap, replacement or insertion from `word`.

    Norvig's spelling corrector's candidates: about 54 per letter, looked up
    in one statement by primary key. Letters are a to z and the word's own.
    """
    letters = set(string.ascii_lowercase) | set(word)
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return (
        {head + tail[1:] for head, tail in splits if tail}
        | {
            head + tail[1] + tail[0] + tail[2:]
            for head, tail in splits
            if len(tail) > 1
        }
        | {head + c + tail[1:] for head, tail in splits if tail for c in letters}
        | {head + c + tail for head, tail in splits for c in letters}
    ) - {word}


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
    edited, edits = [], []
    for word in words:
        for edit in one_edit_away(word):
            edited.append(word)
            edits.append(edit)
    with connection.cursor() as cursor:
        cursor.execute(
            _CORRECTIONS_SQL, {"words": words, "edited": edited, "edits": edits}
        )
        fixes = dict(cursor.fetchall())
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
