"""A small least-recently-used map, bounded by a setting read at each insert."""

from __future__ import annotations

from collections import OrderedDict

from django.conf import settings


class Recent[V]:
    """The most recent values by key; at most `settings.<limit_setting>` of them.

    functools.lru_cache caches calls, not values put from elsewhere, and its
    size is fixed at import; this one follows the setting (tests change it).
    """

    def __init__(self, limit_setting: str) -> None:
        self._limit_setting = limit_setting
        self._items: OrderedDict[str, V] = OrderedDict()

    def get(self, key: str) -> V | None:
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def put(self, key: str, value: V) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > int(getattr(settings, self._limit_setting)):
            self._items.popitem(last=False)

    def drop(self, key: str) -> None:
        self._items.pop(key, None)

    def clear(self) -> None:
        self._items.clear()
