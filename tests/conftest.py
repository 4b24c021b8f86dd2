"""Test wiring: service detection, loud skips, and CI's no-skip rule.

Tests that need PostgreSQL semantics carry `@pytest.mark.postgres`; without
DATABASE_URL pointing at PostgreSQL they are skipped and listed at the end.
Under CI=true any skipped test fails the run.
"""

from __future__ import annotations

import os
import shutil
from typing import TYPE_CHECKING

import pytest
from django.conf import settings

if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

    from django.test import Client

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def on_postgres() -> bool:
    return str(settings.DATABASES["default"]["ENGINE"]).endswith("postgresql")


def _missing_requirements(item: pytest.Item) -> list[str]:
    missing = []
    if item.get_closest_marker("postgres") and not on_postgres():
        missing.append("needs PostgreSQL (set DATABASE_URL=postgres://...)")
    if item.get_closest_marker("redis") and not settings.REDIS_URL:
        missing.append("needs Redis (set REDIS_URL=redis://...)")
    if item.get_closest_marker("node") and shutil.which("node") is None:
        missing.append("needs Node.js (node on PATH)")
    return missing


def pytest_collection_modifyitems(
    config: pytest.Config, items: list[pytest.Item]
) -> None:
    for item in items:
        missing = _missing_requirements(item)
        if missing:
            item.add_marker(pytest.mark.skip(reason="; ".join(missing)))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    skipped = terminalreporter.stats.get("skipped", [])
    if not skipped:
        return
    terminalreporter.section("SKIPPED TESTS", sep="!", red=True, bold=True)
    for report in skipped:
        reason = (
            report.longrepr[2]
            if isinstance(report.longrepr, tuple)
            else str(report.longrepr)
        )
        terminalreporter.write_line(f"SKIPPED {report.nodeid}: {reason}", yellow=True)
    if IN_CI:
        terminalreporter.write_line(
            f"CI=true: {len(skipped)} skipped test(s) fail this run.",
            red=True,
            bold=True,
        )


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if IN_CI and reporter is not None and reporter.stats.get("skipped"):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture
def gql_client(db: None) -> Client:
    """A Django test client for /graphql/ that runs on the test's connection."""
    from django.test import Client

    return Client(enforce_csrf_checks=True)


@pytest.fixture(scope="session", autouse=True)
def _close_connection_pools(
    django_db_setup: None, django_db_blocker: Any
) -> Iterator[None]:
    """Close psycopg pools before the test database is dropped.

    Threads in concurrency tests and async tests leave connections open (in
    the pool, or on asgiref's sync thread); PostgreSQL refuses to drop a
    database still in use.
    """
    yield
    from asgiref.sync import SyncToAsync
    from django.db import connections

    # Async tests run their ORM calls on asgiref's one sync thread; its
    # connection stays checked out of the pool until that thread closes it.
    SyncToAsync.single_thread_executor.submit(connections.close_all).result()
    with django_db_blocker.unblock():
        for connection in connections.all():
            connection.close()  # returns this thread's connection to the pool
            if getattr(connection, "pool", None) is not None:
                connection.close_pool()  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    """Every test starts with full buckets: limits are per test, not per run."""
    from apps.core import ratelimit

    ratelimit.reset()


@pytest.fixture(autouse=True)
def _fresh_local_cache() -> None:
    """Django's in-process cache (suggested brands) starts empty in every test."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _plans_agree_with_graphql_core() -> Iterator[None]:
    """The differential test: every planned subtree matched graphql-core's.

    GRAPHQL_PLAN_VERIFY (test settings) completes each subtree a compiled
    plan answered with graphql-core too; any difference fails the test.
    """
    from schema.core import plans

    plans.MISMATCHES.clear()
    yield
    if plans.MISMATCHES:
        pytest.fail("\n".join(plans.MISMATCHES), pytrace=False)
