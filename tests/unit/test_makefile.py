"""`make run` tells the truth about where it serves."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from tests.support.live_server import ROOT


def run_banner(**env: str) -> str:
    environment = {k: v for k, v in os.environ.items() if k not in ("HOST", "PORT")}
    dry_run = subprocess.run(
        ["make", "-n", "run"],
        cwd=ROOT,
        env={**environment, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return next(line for line in dry_run.stdout.splitlines() if "Serving" in line)


pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def test_the_run_banner_shows_the_default_address():
    assert "Serving http://127.0.0.1:8000/graphql/" in run_banner()


def test_the_run_banner_follows_host_and_port():
    assert "Serving http://192.0.2.10:9999/graphql/" in run_banner(
        HOST="192.0.2.10", PORT="9999"
    )
