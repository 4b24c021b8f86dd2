"""Admin and API-docs assets are served by the app's own server, no CDN."""

from __future__ import annotations

import re
import subprocess
import sys

import httpx
import pytest

from tests.support.live_server import ROOT, live_server

pytestmark = [pytest.mark.system, pytest.mark.slow]


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker):
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        check=True,
    )
    with django_db_blocker.unblock(), live_server() as running:
        yield running


def test_admin_stylesheet_is_served(server):
    response = httpx.get(f"{server.url}/static/admin/css/base.css", timeout=10)

    assert response.status_code == 200
    assert "text/css" in response.headers["content-type"]


def test_api_docs_page_loads_only_local_assets(server):
    page = httpx.get(f"{server.url}/docs", timeout=10)
    assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', page.text)

    assert page.status_code == 200
    assert assets
    for asset in assets:
        assert asset.startswith("/static/"), asset
        assert httpx.get(f"{server.url}{asset}", timeout=10).status_code == 200
