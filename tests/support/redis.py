"""A private Redis for tests that stop, pause or restart it.

The shared server on 6379 must never go down, so these tests get their own
on a free port, without persistence (as production Redis may be run), and
stop it by its PID.

    with private_redis() as redis:
        redis.stop()      # SIGKILL: everything queued in it is gone
        redis.start()     # the same port, empty
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import redis as redis_client

from tests.support.live_server import free_port

SERVER = shutil.which("redis-server")


def available() -> str | None:
    """Return why no private Redis can run here, or None if one can."""
    return None if SERVER else "no redis-server on PATH"


def server_arguments(port: int, directory: Path) -> list[str]:
    """A private redis-server's options: its port, loopback, nothing saved."""
    return [
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        str(directory),
    ]


@dataclass(kw_only=True)
class PrivateRedis:
    port: int
    directory: Path
    process: subprocess.Popen[bytes] | None = field(default=None)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis_client.Redis:
        return redis_client.Redis.from_url(self.url, socket_timeout=2)

    def start(self) -> None:
        assert SERVER is not None
        self.process = subprocess.Popen(
            [SERVER, *server_arguments(self.port, self.directory)],
            stdout=(self.directory / "redis.log").open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with suppress(redis_client.ConnectionError):
                if self.client().ping():
                    return
            time.sleep(0.05)
        msg = f"private Redis on {self.port} did not start"
        raise TimeoutError(msg)

    def stop(self) -> None:
        """Kill it by PID, as a crash would: nothing is saved."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


@contextmanager
def private_redis() -> Iterator[PrivateRedis]:
    directory = Path(tempfile.mkdtemp(prefix="private-redis-"))
    server = PrivateRedis(port=free_port(), directory=directory)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)
