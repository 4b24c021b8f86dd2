"""A private PgBouncer in transaction mode, in front of the test PostgreSQL.

Debian's `pgbouncer` (.ci/run installs it), on a free port, with the
production pool settings of docs/deploy.md, stopped by its PID. PgBouncer
refuses to run as root, so as root it is started as the `postgres` user,
from a directory that user can read.

    with private_pgbouncer(postgres_port=5432) as bouncer:
        url = bouncer.url("test_fashionistar")
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.db import connection

from tests.support.live_server import free_port

SERVER = shutil.which("pgbouncer") or (
    "/usr/sbin/pgbouncer" if Path("/usr/sbin/pgbouncer").exists() else None
)
POOL_SIZE = 25  # default_pool_size, as docs/deploy.md sizes it
RESERVE = 5  # reserve_pool_size


def available() -> str | None:
    """Return why no private PgBouncer can run here, or None if one can."""
    return None if SERVER else "no pgbouncer (apt-get install pgbouncer)"


@dataclass(frozen=True, slots=True)
class PrivateBouncer:
    port: int
    user: str
    log_path: Path

    def url(self, database: str) -> str:
        return f"postgres://{self.user}@127.0.0.1:{self.port}/{database}"

    def environment(self, database: str | None = None) -> dict[str, str]:
        """What sends a server or worker through this PgBouncer (test database)."""
        if database is None:
            database = str(connection.settings_dict["NAME"])
        return {"DATABASE_URL": self.url(database), "DATABASE_POOLER": "pgbouncer"}

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def _config(port: int, postgres_port: int, directory: Path) -> str:
    return f"""\
[databases]
* = host=127.0.0.1 port={postgres_port}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {directory / "users.txt"}
pool_mode = transaction
default_pool_size = {POOL_SIZE}
reserve_pool_size = {RESERVE}
max_client_conn = 10000
"""


@contextmanager
def private_pgbouncer(
    *, postgres_port: int = 5432, user: str = "postgres"
) -> Iterator[PrivateBouncer]:
    """Run PgBouncer on a free port until the block ends."""
    assert SERVER is not None, available()
    port = free_port()
    directory = Path(tempfile.mkdtemp(prefix="pgbouncer-"))
    directory.chmod(0o755)  # the postgres user reads its files
    (directory / "users.txt").write_text(f'"{user}" ""\n')
    (directory / "pgbouncer.ini").write_text(_config(port, postgres_port, directory))
    for name in ("users.txt", "pgbouncer.ini"):
        (directory / name).chmod(0o644)
    command = [SERVER, str(directory / "pgbouncer.ini")]
    if os.geteuid() == 0:
        command[1:1] = ["-u", "postgres"]
    log_path = directory / "pgbouncer.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
    bouncer = PrivateBouncer(port=port, user=user, log_path=log_path)
    try:
        _wait_until_listening(process, port, bouncer)
        yield bouncer
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(directory, ignore_errors=True)


def _wait_until_listening(
    process: subprocess.Popen[bytes], port: int, bouncer: PrivateBouncer
) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            msg = f"pgbouncer exited on startup: {bouncer.log()}"
            raise RuntimeError(msg)
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    msg = f"pgbouncer did not listen on {port}: {bouncer.log()}"
    raise TimeoutError(msg)
