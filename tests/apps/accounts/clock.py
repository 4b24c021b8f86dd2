"""A fixed, movable clock for services that take `now`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta


@dataclass
class Clock:
    now: datetime = field(default_factory=lambda: datetime(2030, 1, 1, 12, tzinfo=UTC))

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now
