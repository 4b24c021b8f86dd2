"""Run callables on real threads, each with its own database connection."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

JOIN_TIMEOUT = 30


@dataclass
class Outcome:
    """What each thread returned or raised, by thread index."""

    results: dict[int, Any] = field(default_factory=dict)
    errors: dict[int, BaseException] = field(default_factory=dict)


def race(count: int, work: Callable[[int], Any]) -> Outcome:
    """Start `count` threads that call `work(index)` together (a Barrier).

    Each thread closes its connection at the end, which returns it to the
    pool. Thread `index` results and exceptions are collected, never lost.
    """
    outcome = Outcome()
    barrier = threading.Barrier(count)
    guard = threading.Lock()

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=JOIN_TIMEOUT)
            result = work(index)
            with guard:
                outcome.results[index] = result
        except BaseException as exc:
            with guard:
                outcome.errors[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_TIMEOUT)
    assert not any(t.is_alive() for t in threads), "a racing thread hung"
    return outcome
