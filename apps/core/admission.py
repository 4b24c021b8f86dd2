"""Work slots: how many requests one process works on at once; the rest queue.

Past a few requests in flight, a process only shares the same cores and the
same pooled connections between more of them: each gets slower, and those
that wait too long for a connection used to fail (issue 11). So a process
admits at most `limit` requests, and later ones wait in line, first come
first served. Only a request that would wait beyond a stated bound (the line
is `queue_max` long, or it waited `queue_timeout` seconds) is refused, as
overload: `Overloaded`, logged and counted here.

A request that waits for something other than this process's cores or
connections (a password hash in its own thread pool) gives its slot back
meanwhile (`paused`) and resumes ahead of the line.
docs/decisions/0006-admission-control.md has the measurements.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter, deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.conf import settings

logger = logging.getLogger("fashionistar.overload")

# At most one overload line per interval: under overload, a line per request
# would add to it. Each line counts what happened since the previous one.
_LOG_INTERVAL = 5.0


class Overloaded(Exception):
    """The line was full, or the request waited past the bound."""

    def __init__(self, reason: str, *, retry_after: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


@dataclass(slots=True)
class SlotCounts:
    """Counters since the process started (exported as metrics in issue 13)."""

    admitted: int = 0  # requests that got a slot, at once or after queueing
    queued: int = 0  # of those, the ones that had to wait
    refused: int = 0  # overload: the line was full or the wait too long


@dataclass(slots=True)
class _Holder:
    """Whether the current request holds a slot (shared with its tasks)."""

    slots: WorkSlots
    holding: bool = True


_current: ContextVar[_Holder | None] = ContextVar("work_slot", default=None)


@dataclass(slots=True)
class _OverloadLog:
    """Rate-limited overload warnings, with the counts since the last line.

    Refusals and queueing are limited separately, so a line about requests
    queueing never hides one about requests refused.
    """

    last: dict[str, float] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)
    reasons: set[str] = field(default_factory=set)

    def note(self, slots: WorkSlots, *, refused: str | None = None) -> None:
        kind = "queued" if refused is None else "refused"
        self.counts[kind] += 1
        if refused is not None:
            self.reasons.add(refused)
        now = time.monotonic()
        if now - self.last.get(kind, -_LOG_INTERVAL) < _LOG_INTERVAL:
            return
        logger.warning(
            f"overload: requests {kind}",
            extra={
                "active": slots.active,
                "waiting": slots.waiting,
                "limit": slots.limit,
                "queue_max": slots.queue_max,
                f"{kind}_since_last": self.counts.pop(kind),
                **({"reasons": sorted(self.reasons)} if refused else {}),
            },
        )
        self.last[kind] = now
        if refused is not None:
            self.reasons.clear()


class WorkSlots:
    """At most `limit` requests at once; up to `queue_max` more wait in order."""

    def __init__(self, *, limit: int, queue_max: int, queue_timeout: float) -> None:
        if limit < 1 or queue_max < 0 or queue_timeout <= 0:
            msg = "limit >= 1, queue_max >= 0 and queue_timeout > 0 are required"
            raise ValueError(msg)
        self.limit = limit
        self.queue_max = queue_max
        self.queue_timeout = queue_timeout
        self.counts = SlotCounts()
        self._active = 0
        self._waiters: deque[asyncio.Future[None]] = deque()
        self._log = _OverloadLog()

    @property
    def active(self) -> int:
        return self._active

    @property
    def waiting(self) -> int:
        return len(self._waiters)

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold a slot for the block (raise Overloaded past the bound)."""
        await self._acquire(resumed=False)
        holder = _Holder(self)
        token = _current.set(holder)
        try:
            yield
        finally:
            _current.reset(token)
            if holder.holding:
                self._release()

    async def _acquire(self, *, resumed: bool) -> None:
        if self._active < self.limit and not self._waiters:
            self._active += 1
            self.counts.admitted += not resumed
            return
        if not resumed and len(self._waiters) >= self.queue_max:
            self._refuse("queue full")
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if resumed:  # already admitted once: back in ahead of the line
            self._waiters.appendleft(future)
        else:
            self._waiters.append(future)
            self.counts.queued += 1
            if len(self._waiters) >= self.limit:
                # A line as long as the work in flight is overload; a request
                # or two waiting for the next free slot is a busy process.
                self._log.note(self)
        try:
            async with asyncio.timeout(None if resumed else self.queue_timeout):
                await future
        except BaseException as error:
            handed_over = future.done() and not future.cancelled()
            with suppress(ValueError):
                self._waiters.remove(future)
            if isinstance(error, TimeoutError) and not handed_over:
                self._refuse("waited too long")
            if handed_over and not isinstance(error, TimeoutError):
                self._release()  # cancelled just as the slot came: pass it on
            if not isinstance(error, TimeoutError):
                raise
        self.counts.admitted += not resumed

    def _release(self) -> None:
        while self._waiters:
            future = self._waiters.popleft()
            if not future.done():
                future.set_result(None)  # the slot passes on; active unchanged
                return
        self._active -= 1

    def _refuse(self, reason: str) -> None:
        self.counts.refused += 1
        self._log.note(self, refused=reason)
        # About the time the line ahead takes to clear, at least a second.
        raise Overloaded(reason, retry_after=max(1, round(self.queue_timeout / 4)))


_slots: WorkSlots | None = None


def work_slots() -> WorkSlots:
    """Return this process's slots, built from settings at first use."""
    global _slots
    if _slots is None:
        _slots = WorkSlots(
            limit=int(settings.WEB_MAX_ACTIVE_REQUESTS),
            queue_max=int(settings.WEB_QUEUE_MAX),
            queue_timeout=float(settings.WEB_QUEUE_TIMEOUT),
        )
    return _slots


@asynccontextmanager
async def paused() -> AsyncIterator[None]:
    """Give the current request's slot back while it waits on other work.

    For waits that use neither this process's event loop nor its pooled
    connections (a password hash in its own thread pool). Outside a request
    holding a slot this does nothing.
    """
    holder = _current.get()
    if holder is None or not holder.holding:
        yield
        return
    holder.holding = False
    holder.slots._release()
    try:
        yield
    finally:
        await holder.slots._acquire(resumed=True)
        holder.holding = True
