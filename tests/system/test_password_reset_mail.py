"""A forgotten password over the real server: the worker mails the link, the link works.

The real server and a real worker on the database backend, the file email
backend standing in for the mail server.
"""

from __future__ import annotations

import email
import email.policy
import re
from email.message import EmailMessage

import pytest

from tests.factories.accounts import PASSWORD, UserFactory
from tests.support.customers import mail_messages, timed_post
from tests.support.live_server import live_server
from tests.support.workers import eventually, job_environment, worker

pytestmark = [pytest.mark.system, pytest.mark.slow]

REQUEST = (
    "mutation ($e: String!) { requestPasswordReset(email: $e) { errors { code } } }"
)
SET = """mutation ($t: String!, $p: String!) {
  setPassword(token: $t, password: $p) { user { email } errors { code } } }"""
SIGN_IN = """mutation ($e: String!, $p: String!) {
  tokenCreate(email: $e, password: $p) { accessToken errors { code } } }"""
NEW_PASSWORD = "a-Brand-new-phrase-2026"


def _post(url: str, query: str, variables: dict[str, str]) -> dict[str, object]:
    response, _ = timed_post(url, query, variables, None)
    assert response.status_code == 200, response.text
    data: dict[str, object] = response.json()["data"]
    return data


def _link_token(raw: str) -> str:
    """The token in the link of the email's text part, as a mail client shows it."""
    parsed = email.message_from_string(raw.strip(), policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    body = parsed.get_body(preferencelist=("plain",))
    assert body is not None, raw
    found = re.search(r"reset-password\?token=(\S+)", body.get_content())
    assert found is not None, raw
    return found[1]


def test_the_emailed_link_sets_a_new_password(transactional_db, mail_dir):
    user = UserFactory.create()
    env = job_environment(TASKS_BACKEND="database", EMAIL_URL=f"filemail://{mail_dir}")
    with live_server(env=env) as server, worker("worker", env=env):
        asked = _post(server.url, REQUEST, {"e": user.email.upper()})
        message = eventually(
            lambda: next(iter(mail_messages(mail_dir)), ""),
            what="the reset email was written",
        )
        changed = _post(server.url, SET, {"t": _link_token(message), "p": NEW_PASSWORD})
        with_new = _post(server.url, SIGN_IN, {"e": user.email, "p": NEW_PASSWORD})
        with_old = _post(server.url, SIGN_IN, {"e": user.email, "p": PASSWORD})

    assert asked == {"requestPasswordReset": {"errors": []}}
    assert f"To: {user.email}" in message
    assert changed == {"setPassword": {"user": {"email": user.email}, "errors": []}}
    assert with_new["tokenCreate"]["errors"] == []  # type: ignore[index]
    assert with_old["tokenCreate"]["errors"] == [{"code": "INVALID_CREDENTIALS"}]  # type: ignore[index]
    assert len(mail_messages(mail_dir)) == 1
