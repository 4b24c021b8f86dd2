"""Work slots: a bounded line in front of the work, first come first served."""

from __future__ import annotations

import asyncio
import logging

import pytest

from apps.core import admission
from apps.core.admission import Overloaded, WorkSlots, paused


async def _hold(
    slots: WorkSlots, started: list[int], n: int, until: asyncio.Event
) -> None:
    async with slots.slot():
        started.append(n)
        await until.wait()


async def _settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_requests_up_to_the_limit_run_at_once():
    slots = WorkSlots(limit=3, queue_max=10, queue_timeout=5)
    started: list[int] = []
    done = asyncio.Event()
    tasks = [asyncio.create_task(_hold(slots, started, n, done)) for n in range(5)]
    await _settle()

    assert (started, slots.active, slots.waiting) == ([0, 1, 2], 3, 2)
    done.set()
    await asyncio.gather(*tasks)
    assert (slots.active, slots.counts.admitted, slots.counts.queued) == (0, 5, 2)


async def test_waiting_requests_start_in_arrival_order():
    slots = WorkSlots(limit=1, queue_max=10, queue_timeout=5)
    started: list[int] = []
    gates = [asyncio.Event() for _ in range(4)]
    tasks = [asyncio.create_task(_hold(slots, started, n, gates[n])) for n in range(4)]
    await _settle()
    for gate in gates:
        gate.set()
        await _settle()

    await asyncio.gather(*tasks)
    assert started == [0, 1, 2, 3]


async def test_a_full_line_refuses_as_overload_and_counts_it(caplog):
    slots = WorkSlots(limit=1, queue_max=1, queue_timeout=5)
    done = asyncio.Event()
    tasks = [asyncio.create_task(_hold(slots, [], n, done)) for n in range(2)]
    await _settle()

    with (
        caplog.at_level(logging.WARNING, logger="fashionistar.overload"),
        pytest.raises(Overloaded) as refused,
    ):
        async with slots.slot():
            pass
    done.set()
    await asyncio.gather(*tasks)
    assert refused.value.reason == "queue full"
    assert refused.value.retry_after >= 1
    assert slots.counts.refused == 1
    assert "overload: requests refused" in caplog.messages


async def test_a_request_waiting_past_the_timeout_is_refused():
    slots = WorkSlots(limit=1, queue_max=5, queue_timeout=0.05)
    done = asyncio.Event()
    holder = asyncio.create_task(_hold(slots, [], 0, done))
    await _settle()

    with pytest.raises(Overloaded) as refused:
        async with slots.slot():
            pass
    done.set()
    await holder
    assert refused.value.reason == "waited too long"
    assert (slots.active, slots.waiting, slots.counts.refused) == (0, 0, 1)


async def test_a_cancelled_waiter_leaves_no_slot_behind():
    slots = WorkSlots(limit=1, queue_max=5, queue_timeout=5)
    done = asyncio.Event()
    holder = asyncio.create_task(_hold(slots, [], 0, done))
    await _settle()
    waiter = asyncio.create_task(_hold(slots, [], 1, asyncio.Event()))
    await _settle()

    waiter.cancel()
    await asyncio.gather(waiter, return_exceptions=True)
    done.set()
    await holder
    assert (slots.active, slots.waiting) == (0, 0)


async def test_a_paused_request_lets_the_next_one_run_and_resumes_first():
    slots = WorkSlots(limit=1, queue_max=5, queue_timeout=5)
    order: list[str] = []
    hashed = asyncio.Event()
    other_done = asyncio.Event()

    async def sign_in() -> None:
        async with slots.slot():
            async with paused():
                order.append("hash starts")
                await hashed.wait()
            order.append("sign-in resumes")

    async def read(name: str, until: asyncio.Event | None = None) -> None:
        async with slots.slot():
            order.append(name)
            if until is not None:
                await until.wait()

    first = asyncio.create_task(sign_in())
    await _settle()
    reader = asyncio.create_task(read("read runs", until=other_done))
    await _settle()
    hashed.set()  # the hash ends while the reader holds the only slot
    await _settle()
    later = asyncio.create_task(read("later read runs"))
    await _settle()
    other_done.set()
    await asyncio.gather(first, reader, later)

    assert order == ["hash starts", "read runs", "sign-in resumes", "later read runs"]
    assert slots.active == 0


async def test_paused_outside_a_request_does_nothing():
    async with paused():
        pass


def test_the_process_slots_come_from_settings(settings, monkeypatch):
    monkeypatch.setattr(admission, "_slots", None)
    settings.WEB_MAX_ACTIVE_REQUESTS = 5
    settings.WEB_QUEUE_MAX = 7
    settings.WEB_QUEUE_TIMEOUT = 3.0

    slots = admission.work_slots()
    assert (slots.limit, slots.queue_max, slots.queue_timeout) == (5, 7, 3.0)
