"""Shared loader behaviour."""

from __future__ import annotations

from asyncio import Future

from aiodataloader import DataLoader


class Loader[K, V](DataLoader[K, V]):
    """A DataLoader that hands back settled values without a trip through asyncio.

    A relation field whose value this request has already loaded (primed by a
    parent, or fetched for the whole page at once) resolves synchronously;
    graphql-core then completes the object without scheduling a coroutine,
    which is most of what a per-object async resolver costs.
    """

    def get(self, key: K) -> V | Future[V]:
        """Return the value for `key` if it is loaded, else a future for it."""
        cached: Future[V] | None = self._cache.get(key)
        if cached is not None and cached.done() and cached.exception() is None:
            return cached.result()
        result: Future[V] = self.load(key)
        return result

    async def prefetch(self, keys: list[K]) -> None:
        """Load `keys` in one batch so later `get` calls settle at once."""
        if keys:
            await self.load_many(keys)
