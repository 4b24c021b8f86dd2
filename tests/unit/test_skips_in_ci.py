"""Skipped tests are listed loudly, and under CI=true they fail the run."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.support.live_server import ROOT

NEEDS_POSTGRES = "tests/apps/catalog/test_search_indexes.py"

pytestmark = pytest.mark.slow


def run_on_sqlite(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CI"}}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            NEEDS_POSTGRES,
        ],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_skipped_tests_are_listed_with_their_reason():
    result = run_on_sqlite()

    assert result.returncode == 0, result.stdout
    assert "SKIPPED TESTS" in result.stdout
    assert "needs PostgreSQL" in result.stdout


def test_a_skip_fails_the_run_under_ci():
    result = run_on_sqlite(CI="true")

    assert result.returncode == 1, result.stdout
    assert "CI=true: 3 skipped test(s) fail this run." in result.stdout
