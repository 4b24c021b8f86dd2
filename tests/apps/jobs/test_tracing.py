"""A request's id and trace follow it into the jobs it enqueues."""

from __future__ import annotations

import json
import logging

import pytest

from apps.jobs.models import Job
from tests.factories.accounts import PASSWORD
from tests.support.graphql import gql

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = f"00-{TRACE_ID}-00f067aa0ba902b7-01"
REGISTER = """mutation ($input: AccountRegisterInput!) {
  accountRegister(input: $input) { user { id } errors { code } } }"""


def _json(record: logging.LogRecord) -> dict[str, object]:
    formatter = logging.getLogger().handlers[0].formatter
    assert formatter is not None
    line: dict[str, object] = json.loads(formatter.format(record))
    return line


@pytest.mark.django_db
def test_the_callers_trace_and_request_id_reach_the_jobs_log_lines(
    gql_client, caplog, django_capture_on_commit_callbacks
):
    with (
        caplog.at_level(logging.INFO),
        django_capture_on_commit_callbacks(execute=True),
    ):
        gql(
            gql_client,
            REGISTER,
            {"input": {"email": "ada@example.com", "password": PASSWORD}},
            headers={"traceparent": TRACEPARENT, "X-Request-ID": "req-7"},
        )

    job = Job.objects.get(task_path__endswith="account_verification_email_send_task")
    assert job.request_id == "req-7"
    assert TRACE_ID in job.trace_context["traceparent"]
    started = [_json(r) for r in caplog.records if r.getMessage() == "job started"]
    assert started
    assert started[0]["request_id"] == "req-7"
    assert started[0]["trace_id"] == TRACE_ID
    access = [_json(r) for r in caplog.records if r.name == "fashionistar.access"]
    assert access[0]["trace_id"] == TRACE_ID
