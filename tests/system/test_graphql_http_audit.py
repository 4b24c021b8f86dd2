"""The official GraphQL-over-HTTP audit (npm graphql-http) against the real server."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.live_server import ROOT, LiveServer, live_server

pytestmark = [pytest.mark.node, pytest.mark.system]

AUDIT_SCRIPT = ROOT / "tests" / "support" / "graphql_http_audit.mjs"


@pytest.fixture(scope="module")
def server(django_db_setup: None) -> Iterator[LiveServer]:
    with live_server() as running:
        yield running


@pytest.fixture(scope="module")
def audit(server: LiveServer) -> list[dict[str, Any]]:
    node = shutil.which("node")
    assert node is not None
    with server.log_on_failure():
        completed = subprocess.run(
            [node, str(AUDIT_SCRIPT), f"{server.url}/graphql/"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert completed.returncode == 0, completed.stderr
    results: list[dict[str, Any]] = json.loads(completed.stdout)
    return results


def failures(results: list[dict[str, Any]], statuses: set[str]) -> str:
    return "\n".join(
        f"{result['id']} {result['name']}: {result['reason']}\n"
        f"    got {json.dumps(result.get('response'))}"
        for result in results
        if result["status"] in statuses
    )


def test_every_must_and_should_audit_passes(audit):
    musts_and_shoulds = [
        result for result in audit if result["name"].startswith(("MUST", "SHOULD"))
    ]

    assert len(musts_and_shoulds) >= 25
    assert not failures(audit, {"error", "warn"})


def test_every_may_audit_passes_too(audit):
    # The optional ones pin choices made in schema/views.py: 405 for a GET
    # mutation, 4xx without a content type, 400 for malformed parameters.
    mays = [result for result in audit if result["name"].startswith("MAY")]

    assert mays
    assert not failures(audit, {"notice"})
