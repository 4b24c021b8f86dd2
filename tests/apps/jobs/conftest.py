from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from apps.jobs import outbox


@pytest.fixture
def effects(tmp_path: Path) -> Path:
    """A file the test tasks append their effects to."""
    path = tmp_path / "effects.log"
    path.touch()
    return path


@pytest.fixture(autouse=True)
def _job_settings(settings):
    settings.JOBS_RETRY_DELAYS = [timedelta(seconds=s) for s in (60, 120, 240)]
    settings.JOBS_RETRY_JITTER = 0
    outbox._paused_until = 0.0  # no pause left over from another test


def lines(path: Path) -> list[str]:
    return path.read_text().splitlines()
