"""The strings one edit from a word, which typo correction looks up exactly."""

from __future__ import annotations

from apps.catalog.search import one_edit_away


def test_one_edit_covers_deletions_swaps_replacements_and_insertions():
    edits = one_edit_away("jakcet")

    assert {"jakce", "jacket", "jakcit", "jakcets"} <= edits


def test_the_word_itself_is_not_an_edit():
    assert "coat" not in one_edit_away("coat")


def test_two_edits_away_is_not_one():
    assert "dresses" not in one_edit_away("drses")
