"""Background work about the catalog: image renditions, the search lexicon."""

from __future__ import annotations

from django.tasks import task

from apps.catalog import media, search


@task(queue_name="analytics")
def media_renditions_make_task(*, media_id: int) -> int:
    """Make an image's missing renditions; return how many were made."""
    return media.renditions_make(media_id=media_id)


@task(queue_name="analytics")
def search_words_prune_task() -> int:
    """Drop typo-correction words no product holds any more; return how many."""
    return search.search_words_prune()
