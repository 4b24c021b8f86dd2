"""Django's PostgreSQL backend, with the reason a first connection fails.

With Django's connection pool a database that cannot be reached surfaces as
"couldn't get a connection after 2.00 sec": the pool retries in the
background and keeps libpq's message to itself, so a fresh clone pointed at a
database nobody created never learns why. When the pool times out before
this process ever connected, one direct connection attempt fetches libpq's
reason and the error names the database and how to create it. Once a
connection has succeeded a timeout is an outage or overload (answered 503,
docs/graphql.md "Availability"), and no extra attempt delays that answer.
"""

from __future__ import annotations

import shlex
from typing import Any

import psycopg
from django.db.backends.postgresql import base
from psycopg_pool import PoolTimeout

# Seconds for the diagnostic connection; only ever spent before a first success.
DIAGNOSE_TIMEOUT = 2

_connected_once = False


class DatabaseWrapper(base.DatabaseWrapper):
    """The stock wrapper; a first failing connection explains itself."""

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        global _connected_once  # one flag per process: "ever connected"
        try:
            connection = super().get_new_connection(conn_params)
        except PoolTimeout as timeout:
            if _connected_once:
                raise
            reason = connect_failure(conn_params)
            if reason is None:
                raise
            raise psycopg.OperationalError(reason) from timeout
        _connected_once = True
        return connection


def connect_failure(conn_params: dict[str, Any]) -> str | None:
    """Return why a direct connection with these parameters fails, or None."""
    params = {
        key: value
        for key, value in conn_params.items()
        if key not in ("cursor_factory", "context", "prepare_threshold")
    }
    try:
        psycopg.connect(**params, connect_timeout=DIAGNOSE_TIMEOUT).close()
    except psycopg.OperationalError as error:
        return explain(str(error), params)
    return None


def explain(libpq_message: str, params: dict[str, Any]) -> str:
    """Turn libpq's message into one that says what to do."""
    name = str(params.get("dbname", ""))
    host = str(params.get("host") or "localhost")
    port = str(params.get("port") or 5432)
    detail = " ".join(libpq_message.split())
    if f'database "{name}" does not exist' in libpq_message:
        user = f" -U {shlex.quote(str(params['user']))}" if params.get("user") else ""
        command = f"createdb -h {host} -p {port}{user} {shlex.quote(name)}"
        return (
            f'The PostgreSQL database "{name}" (DATABASE_URL) does not exist on '
            f"{host}:{port}. Create it with `{command}`, then run "
            f"`manage.py migrate` (README: Set-up). libpq said: {detail}"
        )
    return (
        f'Cannot connect to the PostgreSQL database "{name}" (DATABASE_URL) '
        f"on {host}:{port}: {detail}"
    )
