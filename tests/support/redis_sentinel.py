"""A private Redis primary, one replica and three Sentinels, for failover tests.

Real `redis-server` processes (`--sentinel` for the sentinels) on free ports,
without persistence, stopped by PID. `kill_primary()` SIGKILLs the primary as
a crash would; `wait_for_failover()` returns once the sentinels name the
replica primary.

    with private_sentinels() as cluster:
        url = cluster.url          # redis+sentinel://127.0.0.1:p1,.../primary
        cluster.kill_primary()
        cluster.wait_for_failover()
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

from apps.core.redis_connection import sentinel_url
from tests.support.live_server import free_port
from tests.support.redis import SERVER, available, server_arguments

__all__ = ["MASTER", "PrivateSentinels", "available", "private_sentinels"]

MASTER = "primary"


@dataclass(kw_only=True)
class PrivateSentinels:
    directory: Path
    primary_port: int
    replica_port: int
    sentinel_ports: list[int]
    processes: dict[int, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return sentinel_url([f"127.0.0.1:{p}" for p in self.sentinel_ports], MASTER)

    def master_port(self) -> int | None:
        """The primary's port as the first sentinel that answers names it."""
        for port in self.sentinel_ports:
            with suppress(redis_client.RedisError):
                sentinel = redis_client.Redis(port=port, socket_timeout=1)
                found = sentinel.sentinel_get_master_addr_by_name(MASTER)
                if isinstance(found, tuple | list):
                    return int(found[1])
        return None

    def wait_until_ready(self, timeout: float = 20) -> None:
        """Wait until the replica is in sync and every sentinel knows it.

        A sentinel that has not yet seen the replica cannot promote it.
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with suppress(redis_client.RedisError):
                info = redis_client.Redis(port=self.primary_port).info("replication")
                online = "online" in str(info.get("slave0", ""))
                known = all(
                    redis_client.Redis(port=port).sentinel_slaves(MASTER)
                    for port in self.sentinel_ports
                )
                if online and known:
                    return
            time.sleep(0.1)
        msg = f"replica and sentinels not ready within {timeout} s:\n{self.logs()}"
        raise TimeoutError(msg)

    def kill_primary(self) -> None:
        """SIGKILL the primary: a crash, nothing saved."""
        process = self.processes.pop(self.primary_port)
        process.kill()
        process.wait(timeout=10)

    def wait_for_failover(self, timeout: float = 30) -> int:
        """Wait until the sentinels name the replica primary; return its port."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.master_port() == self.replica_port:
                return self.replica_port
            time.sleep(0.1)
        msg = f"no failover within {timeout} s:\n{self.logs()}"
        raise TimeoutError(msg)

    def logs(self) -> str:
        return "\n".join(
            f"--- {log.name}\n{log.read_text(errors='replace')[-2000:]}"
            for log in sorted(self.directory.glob("*.log"))
        )

    def start(self, port: int, *arguments: str) -> None:
        assert SERVER is not None
        self.processes[port] = subprocess.Popen(
            [SERVER, *arguments],
            stdout=(self.directory / f"{port}.log").open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        _wait_for_ping(port)

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)
        self.processes.clear()


def _wait_for_ping(port: int) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with suppress(redis_client.RedisError):
            if redis_client.Redis(port=port, socket_timeout=1).ping():
                return
        time.sleep(0.05)
    msg = f"redis-server on {port} did not start"
    raise TimeoutError(msg)


@contextmanager
def private_sentinels() -> Iterator[PrivateSentinels]:
    """Start a primary, a replica of it and three sentinels watching both."""
    directory = Path(tempfile.mkdtemp(prefix="private-sentinels-"))
    cluster = PrivateSentinels(
        directory=directory,
        primary_port=free_port(),
        replica_port=free_port(),
        sentinel_ports=[free_port() for _ in range(3)],
    )
    try:
        primary, replica = cluster.primary_port, cluster.replica_port
        cluster.start(primary, *server_arguments(primary, directory))
        cluster.start(
            replica,
            *server_arguments(replica, directory),
            "--replicaof",
            "127.0.0.1",
            str(primary),
        )
        for port in cluster.sentinel_ports:
            config = directory / f"sentinel-{port}.conf"  # sentinels rewrite it
            config.write_text(
                f"port {port}\n"
                "bind 127.0.0.1\n"
                f"dir {directory}\n"
                f"sentinel monitor {MASTER} 127.0.0.1 {primary} 2\n"
                f"sentinel down-after-milliseconds {MASTER} 1000\n"
                f"sentinel failover-timeout {MASTER} 10000\n"
                f"sentinel parallel-syncs {MASTER} 1\n"
            )
            cluster.start(port, str(config), "--sentinel")
        cluster.wait_until_ready()
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(directory, ignore_errors=True)
