"""Shared loader behaviour."""

from __future__ import annotations

from asyncio import Future

from aiodataloader import DataLoader


class Loader[K, V](DataLoader[K, V]):
    """A DataLoader that hands back settled values without a trip through asyncio.

    A relation field whose value this request already holds (fetched for the
    whole page at once, or known from a parent's row) resolves synchronously;
    graphql-core then completes the object without scheduling a coroutine,
    which is most of what a per-object async resolver costs.
    """

    def __init__(self) -> None:
        super().__init__()
        # Values known without a query, e.g. stock that came with a variant.
        # A plain dict: priming aiodataloader makes a Future per key.
        self._known: dict[K, V] = {}

    def know(self, key: K, value: V) -> None:
        """Record `value` for `key`, as if a batch had loaded it."""
        self._known[key] = value

    def get(self, key: K) -> V | Future[V]:
        """Return the value for `key` if it is loaded, else a future for it."""
        if key in self._known:
            return self._known[key]
        cached: Future[V] | None = self._cache.get(key)
        if cached is not None and cached.done() and cached.exception() is None:
            return cached.result()
        result: Future[V] = self.load(key)
        return result

    def load(self, key: K) -> Future[V]:
        if key in self._known:
            future: Future[V] = self.loop.create_future()
            future.set_result(self._known[key])
            return future
        loaded: Future[V] = super().load(key)
        return loaded

    async def prefetch(self, keys: list[K]) -> None:
        """Load `keys` in one batch so later `get` calls settle at once."""
        missing = [key for key in keys if key not in self._known]
        if missing:
            await self.load_many(missing)
