"""Headless Chromium (Debian's /usr/bin/chromium) driven through DevTools.

The browser is started here, on a free port with a new empty profile, and
Playwright only connects to it over the DevTools protocol
(`connect_over_cdp`): no `playwright install`, no downloaded browser.

    with chromium() as browser:
        page = browser.new_context().new_page()
        page.goto(server.url + "/graphql/")
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import httpx
import pytest

from tests.support.live_server import free_port

if TYPE_CHECKING:
    from playwright.sync_api import Browser

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FLAGS = (
    "--headless",
    "--no-sandbox",  # tests run as root in CI containers
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def chromium_available() -> bool:
    """Return whether the Chromium binary is installed."""
    return shutil.which(CHROMIUM) is not None


requires_chromium = pytest.mark.skipif(
    not chromium_available(),
    reason=f"needs Chromium at {CHROMIUM} (.ci/run installs it)",
)


@contextmanager
def chromium(*, startup_timeout: float = 30.0) -> Iterator[Browser]:
    """Start headless Chromium, yield it connected over DevTools, stop it after.

    Each `browser.new_context()` is a fresh profile: no cookies, no storage.
    """
    from playwright.sync_api import sync_playwright

    port = free_port()
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    process = subprocess.Popen(
        [
            CHROMIUM,
            *FLAGS,
            f"--user-data-dir={profile}",
            "--remote-debugging-address=127.0.0.1",
            f"--remote-debugging-port={port}",
            "about:blank",
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its helper processes are stopped as one group
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        _wait_for_devtools(process, endpoint, startup_timeout)
        with sync_playwright() as playwright, _orm_beside_playwright():
            browser = playwright.chromium.connect_over_cdp(endpoint)
            try:
                yield browser
            finally:
                browser.close()
    finally:
        _stop(process)
        shutil.rmtree(profile, ignore_errors=True)


@contextmanager
def _orm_beside_playwright() -> Iterator[None]:
    """Let tests use the ORM while Playwright's sync API is open.

    Playwright's sync API marks its event loop as running in this thread for as
    long as it is open, so Django refuses ORM calls as if they came from async
    code. None does: the loop only runs inside a blocking Playwright call. This
    is the case Django's DJANGO_ALLOW_ASYNC_UNSAFE exists for (as in Jupyter).
    """
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _wait_for_devtools(
    process: subprocess.Popen[bytes], endpoint: str, timeout: float
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            msg = f"Chromium exited with status {process.returncode} on startup."
            raise RuntimeError(msg)
        try:
            httpx.get(f"{endpoint}/json/version", timeout=1).raise_for_status()
        except httpx.HTTPError:
            time.sleep(0.05)
        else:
            return
    msg = f"Chromium's DevTools did not answer within {timeout} s."
    raise TimeoutError(msg)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM Chromium's process group; SIGKILL it if it lingers."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)
