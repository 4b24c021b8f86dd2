"""The real server (deploy/serve, so Granian) in a subprocess, for system tests.

The server reads the test database: a test that puts data in front of it needs
`transactional_db`, so the rows are committed where another process sees them.
On SQLite that works because config/settings/test.py names a file, not memory.

    @pytest.fixture(scope="module")
    def server(django_db_setup):
        with live_server() as running:
            yield running

    @pytest.fixture(autouse=True)
    def _server_log(server):
        with server.log_on_failure():
            yield

The second fixture prints what the server logged during each test; pytest
shows it only when the test fails. Startup failures carry the log themselves.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
SERVE = ROOT / "deploy" / "serve"


@dataclass(frozen=True, slots=True, kw_only=True)
class LiveServer:
    url: str
    host: str
    port: int
    pid: int
    log_path: Path

    def log(self, *, since: int = 0) -> str:
        """Return what the server wrote to stdout/stderr from byte `since` on."""
        with self.log_path.open("rb") as log:
            log.seek(since)
            return log.read().decode("utf-8", "replace")

    def log_size(self) -> int:
        return self.log_path.stat().st_size

    @contextmanager
    def log_on_failure(self) -> Iterator[None]:
        """Echo this block's server log to stderr, which pytest shows on failure."""
        start = self.log_size()
        try:
            yield
        finally:
            written = self.log(since=start)
            if written:
                sys.stderr.write(f"--- server log (pid {self.pid}) ---\n{written}")


def free_port(host: str = "127.0.0.1") -> int:
    """Return a TCP port nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


def database_url(settings_dict: Mapping[str, Any]) -> str:
    """Return a DATABASE_URL for the database this test process uses."""
    engine = str(settings_dict["ENGINE"])
    name = str(settings_dict["NAME"])
    if engine.endswith("sqlite3"):
        if name == ":memory:" or name.startswith("file:"):
            msg = "A live server cannot share an in-memory SQLite database."
            raise RuntimeError(msg)
        return f"sqlite:///{Path(name).resolve()}"
    if engine.endswith("postgresql"):
        user = quote(str(settings_dict.get("USER") or ""), safe="")
        password = quote(str(settings_dict.get("PASSWORD") or ""), safe="")
        credentials = f"{user}:{password}@" if password else f"{user}@" if user else ""
        host = settings_dict.get("HOST") or "localhost"
        port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
        return f"postgres://{credentials}{host}{port}/{quote(name, safe='')}"
    msg = f"No DATABASE_URL form for {engine}."
    raise RuntimeError(msg)


@contextmanager
def live_server(
    *,
    env: Mapping[str, str] | None = None,
    startup_timeout: float = 60.0,
    wrapper: Sequence[str] = (),
) -> Iterator[LiveServer]:
    """Serve the app on a free port against the test database; stop it after.

    `env` adds or overrides environment variables of the server process;
    `wrapper` runs deploy/serve under a command (`opentelemetry-instrument`).
    """
    host, port = "127.0.0.1", free_port()
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url(connection.settings_dict),
        "HOST": host,
        "PORT": str(port),
        "WEB_WORKERS": "1",
        "PYTHONUNBUFFERED": "1",
        # Tests flush rows without invalidating: see config/settings/test.py.
        "GRAPHQL_RESPONSE_CACHE": "off",
        **(env or {}),
    }
    log_file = tempfile.NamedTemporaryFile(  # noqa: SIM115 (outlives this frame)
        prefix="live-server-", suffix=".log", delete=False
    )
    process = subprocess.Popen(
        [*wrapper, str(SERVE)],
        cwd=ROOT,
        env=environment,
        stdin=subprocess.DEVNULL,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, stopped as one
    )
    log_file.close()
    server = LiveServer(
        url=f"http://{host}:{port}",
        host=host,
        port=port,
        pid=process.pid,
        log_path=Path(log_file.name),
    )
    try:
        _wait_until_live(process, server, startup_timeout)
        yield server
    except BaseException as error:
        error.add_note(f"--- server log ({server.log_path}) ---\n{server.log()}")
        raise
    finally:
        _stop(process)
        server.log_path.unlink(missing_ok=True)


def _wait_until_live(
    process: subprocess.Popen[bytes], server: LiveServer, timeout: float
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            msg = f"The server exited with status {process.returncode} on startup."
            raise RuntimeError(msg)
        try:
            if httpx.get(f"{server.url}/health/live", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    msg = f"The server did not answer /health/live within {timeout} s."
    raise TimeoutError(msg)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the server by PID; SIGKILL its process group if it lingers."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        # The leader still runs, so the group id is still ours to signal.
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
