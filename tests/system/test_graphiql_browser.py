"""GraphiQL in headless Chromium: whatever the editor holds is what runs."""

from __future__ import annotations

import json

import pytest

from tests.support.browser import chromium, requires_chromium
from tests.support.graphql import without_cost
from tests.support.live_server import live_server

pytestmark = [pytest.mark.system, pytest.mark.slow, requires_chromium]

EDITOR = ".graphiql-query-editor .CodeMirror"
RESPONSE = ".graphiql-response .CodeMirror"


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), live_server() as running:
        yield running


@pytest.fixture(scope="module")
def browser():
    with chromium() as running:
        yield running


def test_a_replaced_query_runs_the_first_time(server, browser):
    """Replace the opening `query Catalog` and run at once, three times of three."""
    for _run in range(3):
        context = browser.new_context()  # fresh storage: the page opens on Catalog
        page = context.new_page()
        page.goto(f"{server.url}/graphql/")
        page.wait_for_selector(EDITOR)
        assert "query Catalog" in page.evaluate(
            f"document.querySelector('{EDITOR}').CodeMirror.getValue()"
        )

        # Replace and run in one task, faster than any typing: no debounce helps.
        page.evaluate(
            f"""() => {{
                document.querySelector('{EDITOR}').CodeMirror.setValue('{{ __typename }}');
                document.querySelector('.graphiql-execute-button').click();
            }}"""
        )
        page.wait_for_function(
            f"document.querySelector('{RESPONSE}').CodeMirror.getValue() !== ''"
        )
        result = json.loads(
            page.evaluate(f"document.querySelector('{RESPONSE}').CodeMirror.getValue()")
        )
        context.close()

        assert without_cost(result) == {"data": {"__typename": "Query"}}
