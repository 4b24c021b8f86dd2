"""Password hashing off the connection pool and off the event loop.

A password hash is slow by design (PBKDF2: about a second here). Run while a
request holds one of the process's few pooled connections, a handful of
sign-ins starve every other request of the database (issue 11). So each
hash runs in a small thread pool sized to the cores, and the caller gives
its connection back to the pool first
(docs/decisions/0005-password-hashing-off-the-pool.md).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.contrib.auth.hashers import check_password, make_password
from django.db import connections

from apps.core.admission import paused


def _cores() -> int:
    """Return the cores this process may run on (its CPU affinity)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


# Hashes are CPU work that releases the GIL: more threads than cores only
# interleave them, so every hash finishes later. Past the cores they queue
# here in order, and the earliest sign-in finishes first.
_POOL = ThreadPoolExecutor(max_workers=_cores(), thread_name_prefix="password-hash")


@dataclass(frozen=True, slots=True, kw_only=True)
class Verdict:
    """Whether a password matched, and its hash again if the hasher changed."""

    valid: bool
    rehashed: str | None = None


def connection_release() -> None:
    """Return this thread's database connections to the pool.

    With psycopg's pool, closing a Django connection puts it back for other
    requests (Django reopens one at the next query). A connection inside a
    transaction stays: closing it would end the transaction.
    """
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close()


def _verify(password: str, encoded: str | None) -> Verdict:
    # Without a stored hash (an unknown email), hash anyway, so the answer
    # takes as long as a wrong password.
    if encoded is None:
        make_password(password)
        return Verdict(valid=False)
    # Django calls the setter for a right password whose hasher or work
    # factor is no longer the preferred one: User.check_password saves a new
    # hash there; here the new hash is returned for the caller to save.
    outdated: list[str] = []
    if not check_password(password, encoded, setter=outdated.append):
        return Verdict(valid=False)
    if outdated:
        return Verdict(valid=True, rehashed=make_password(password))
    return Verdict(valid=True)


def _run[T](work: Callable[[], T]) -> T:
    connection_release()
    return _POOL.submit(work).result()


async def _arun[T](work: Callable[[], T]) -> T:
    # The request's work slot is free for others while the hash queues and
    # runs: it uses neither the event loop nor a pooled connection.
    async with paused():
        return await asyncio.wrap_future(_POOL.submit(work))


def password_verify(*, password: str, encoded: str | None) -> Verdict:
    """Check `password` against a stored hash (None: none) in the hash pool.

    This thread's connection goes back to the pool first, unless a
    transaction holds it.
    """
    return _run(lambda: _verify(password, encoded))


async def apassword_verify(*, password: str, encoded: str | None) -> Verdict:
    """Check `password` in the hash pool, without blocking the event loop.

    The caller's sync steps release their connection (`connection_release`).
    """
    return await _arun(lambda: _verify(password, encoded))


def password_hash(password: str) -> str:
    """Hash a new password in the hash pool, this thread's connection released."""
    return _run(lambda: make_password(password))


async def apassword_hash(password: str) -> str:
    """Hash a new password in the hash pool, without blocking the event loop."""
    return await _arun(lambda: make_password(password))
