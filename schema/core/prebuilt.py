"""Response values whose JSON was written elsewhere: spliced, never re-read.

A page of product documents arrives from PostgreSQL as JSON text. Reading it
into Python objects only for the encoder to write them out again costs as
much CPU as the statement, so a plan may put a `Prebuilt` list in the
response instead: the encoder splices its text (orjson.Fragment), the cost
counter counts it from what each item holds without reading the text, and
only the test suite's plan check and the response cache read it back.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any

import orjson


class Prebuilt:
    """A JSON list written elsewhere, with what each of its items holds.

    `items` has one key per item; `skeleton(key)` is an object of the same
    shape as such an item with every list at its length and no leaf values,
    which is all a cost counter reads. `counted` keeps what each key cost:
    its creator may share it between lists of one selection, for every
    request of one document counts the same.
    """

    __slots__ = ("counted", "fragment", "items", "skeleton", "text")

    def __init__(
        self,
        text: bytes,
        items: Sequence[Hashable],
        skeleton: Callable[[Hashable], Any],
        counted: dict[Hashable, int] | None = None,
    ) -> None:
        self.text = text
        self.fragment = orjson.Fragment(text)
        self.items = items
        self.skeleton = skeleton
        self.counted = {} if counted is None else counted

    def value(self) -> Any:
        """The list as Python values: for checks and caches, not for answers."""
        return orjson.loads(self.text)

    def count(self, count_item: Callable[[Any], int]) -> int:
        """Sum `count_item` over the items, counting each kind of item once."""
        counted = self.counted
        total = 0
        for key in self.items:
            found = counted.get(key)
            if found is None:
                found = counted[key] = count_item(self.skeleton(key))
            total += found
        return total

    def __repr__(self) -> str:
        return f"Prebuilt({self.text!r})"


def plain(value: Any) -> Any:
    """`value` with every prebuilt part read back, to compare or to store."""
    if isinstance(value, Prebuilt):
        return value.value()
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value
