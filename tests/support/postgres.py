"""A private PostgreSQL for tests that stop and start the database.

The shared server on 5432 must never go down, so outage tests get their own:
a fresh cluster in a temp dir on a free port, 127.0.0.1 only, trust auth,
fsync off. PostgreSQL refuses to run as root, so it runs as the `postgres`
OS user when the tests run as root.

    with private_postgres() as pg:
        url = pg.create_database("outage")
        pg.stop()
        pg.start()

The cluster is stopped and its directory removed on exit, failure included.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

from tests.support.live_server import free_port

BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
HOST = "127.0.0.1"
SHARED_PORT = 5432
OS_USER = "postgres"


def available() -> str | None:
    """Return why no private PostgreSQL can run here, or None if one can."""
    if not (BIN / "pg_ctl").exists():
        return f"no PostgreSQL binaries in {BIN} (set PG_BIN)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(OS_USER)
        except KeyError:
            return f"running as root and there is no `{OS_USER}` OS user"
    return None


@dataclass(frozen=True, slots=True, kw_only=True)
class PrivatePostgres:
    data_dir: Path
    port: int
    log_path: Path

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@{HOST}:{self.port}/{database}"

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        options = f"-p {self.port} -h {HOST} -k {self.data_dir} -F"
        _run(
            "pg_ctl", "start", "-w", "-t", "30", "-D", str(self.data_dir),
            "-l", str(self.log_path), "-o", options,
        )  # fmt: skip

    def stop(self) -> None:
        """Stop the server: fast shutdown, clients are disconnected."""
        _run("pg_ctl", "stop", "-w", "-t", "30", "-m", "fast", "-D", str(self.data_dir))

    def kill(self) -> None:
        """SIGKILL the postmaster by its PID, as a crash would."""
        pid = self.pid()
        if pid is None:
            return
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _alive(pid):
            time.sleep(0.05)

    def pid(self) -> int | None:
        pid_file = self.data_dir / "postmaster.pid"
        try:
            return int(pid_file.read_text().splitlines()[0])
        except (FileNotFoundError, IndexError, ValueError):
            return None

    def create_database(self, name: str) -> str:
        """Create a database and return its URL."""
        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(
                sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
            )
        return self.url(name)

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""


@contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    """Run a throwaway PostgreSQL cluster; stop it and delete it afterwards."""
    reason = available()
    if reason is not None:
        raise RuntimeError(reason)
    port = free_port(HOST)
    if port == SHARED_PORT:  # pragma: no cover - the OS never hands out 5432
        port = free_port(HOST)
    root = Path(tempfile.mkdtemp(prefix="private-pg-"))
    data_dir = root / "data"
    data_dir.mkdir()
    if os.geteuid() == 0:
        for path in (root, data_dir):
            shutil.chown(path, OS_USER, OS_USER)
    server = PrivatePostgres(data_dir=data_dir, port=port, log_path=root / "server.log")
    try:
        _run("initdb", "-D", str(data_dir), "-U", "postgres", "-A", "trust", "-N")
        server.start()
        yield server
    except BaseException as error:
        error.add_note(f"--- private PostgreSQL log ---\n{server.log()}")
        raise
    finally:
        if server.pid() is not None and _alive(server.pid()):
            try:
                _run(
                    "pg_ctl",
                    "stop",
                    "-w",
                    "-t",
                    "10",
                    "-m",
                    "immediate",
                    "-D",
                    str(data_dir),
                )
            except subprocess.CalledProcessError:
                server.kill()
        shutil.rmtree(root, ignore_errors=True)


def _alive(pid: int | None) -> bool:
    if pid is None:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _run(program: str, *args: str) -> None:
    command = [str(BIN / program), *args]
    if os.geteuid() == 0:
        command = ["runuser", "-u", OS_USER, "--", *command]
    subprocess.run(
        command,
        check=True,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=60,
        cwd="/",  # the postgres user may not read the current directory
    )
