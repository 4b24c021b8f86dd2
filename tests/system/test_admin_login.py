"""/admin/login/ on the real server: the sixth wrong staff password is refused."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.factories.accounts import UserFactory
from tests.support.live_server import live_server

pytestmark = [pytest.mark.system, pytest.mark.slow]


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), live_server() as running:
        yield running


@pytest.fixture(autouse=True)
def _server_log(server):
    with server.log_on_failure():
        yield


def _log_in(browser: httpx.Client, email: str, password: str) -> httpx.Response:
    """Load the login page for its CSRF token, then submit the form like a browser."""
    page = browser.get("/admin/login/")
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert match is not None
    return browser.post(
        "/admin/login/?next=/admin/",
        data={
            "csrfmiddlewaretoken": match.group(1),
            "username": email,
            "password": password,
        },
        headers={"Referer": f"{browser.base_url}admin/login/"},
    )


def test_the_sixth_wrong_admin_password_is_throttled(transactional_db, server):
    staff = UserFactory.create(staff=True)
    with httpx.Client(base_url=server.url, timeout=30) as browser:
        wrong = [_log_in(browser, staff.email, "wrong password") for _ in range(5)]

        sixth = _log_in(browser, staff.email, "wrong password")

    assert [response.status_code for response in wrong] == [200] * 5
    assert sixth.status_code == 429
    seconds = int(sixth.headers["Retry-After"])
    assert 0 < seconds <= 180
    assert f"Too many sign-in attempts. Try again in {seconds} seconds." in sixth.text
