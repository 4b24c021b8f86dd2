"""GraphiQL at GET /graphql/ for browsers, with every asset served locally."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.test import Client

from tests.support.graphql import GRAPHQL_URL, error_codes, without_cost

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
JSON = "application/json"


@pytest.fixture
def ide_on(settings) -> None:
    settings.GRAPHQL_IDE = True


@pytest.fixture
def ide_off(settings) -> None:
    settings.GRAPHQL_IDE = False


class AssetReferences(HTMLParser):
    """Collect <script src> and <link href> of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = {"script": "src", "link": "href"}.get(tag)
        for name, value in attrs:
            if name == wanted and value:
                self.urls.append(value)


def asset_urls(page: str) -> list[str]:
    parser = AssetReferences()
    parser.feed(page)
    return parser.urls


def is_external(url: str) -> bool:
    """True for any URL that leaves this server: another scheme or host."""
    parts = urlsplit(url)
    return bool(parts.scheme or parts.netloc) and parts.netloc != "testserver"


def graphiql_page(client: Client, accept: str = BROWSER_ACCEPT):
    return client.get(GRAPHQL_URL, headers={"Accept": accept})


def test_browser_gets_graphiql(client, ide_on):
    response = graphiql_page(client)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    page = response.content.decode()
    assert "<title>Fashionistar GraphiQL</title>" in page
    assert '<div id="graphiql">' in page
    assert '"X-CSRFToken": csrfToken' in page


def test_graphiql_page_sets_the_csrf_cookie_its_token_matches(client, ide_on):
    response = graphiql_page(client)

    assert "csrftoken" in response.cookies


def test_graphiql_page_references_only_local_assets(client, ide_on):
    urls = asset_urls(graphiql_page(client).content.decode())

    assert len(urls) == 4
    assert [url for url in urls if is_external(url)] == []


def test_every_graphiql_asset_is_served(client, ide_on):
    urls = asset_urls(graphiql_page(client).content.decode())

    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.content, url
        expected = "text/css" if url.endswith(".css") else "text/javascript"
        assert response["Content-Type"] == f"{expected}; charset=utf-8", url
        assert response["Cache-Control"] == "public, max-age=86400", url


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("https://unpkg.com/graphiql/graphiql.min.js", id="https_case"),
        pytest.param("http://cdn.example/react.js", id="http_case"),
        pytest.param("//cdn.example/react.js", id="protocol_relative_case"),
    ],
)
def test_external_asset_urls_are_recognised(url):
    assert is_external(url)


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("/graphql/assets/react.js", id="absolute_path_case"),
        pytest.param("http://testserver/graphql/assets/react.js", id="same_host_case"),
    ],
)
def test_local_asset_urls_are_recognised(url):
    assert not is_external(url)


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("react.development.js", id="unlisted_file_case"),
        pytest.param("..%2Fpackage.json", id="traversal_case"),
    ],
)
def test_only_listed_assets_are_served(client, ide_on, name):
    response = client.get(f"/graphql/assets/{name}")

    assert response.status_code == 404


def test_client_accepting_anything_gets_json_not_graphiql(client, ide_on):
    response = graphiql_page(client, accept="*/*")

    assert response.status_code == 400
    assert response["Content-Type"] == f"{JSON}; charset=utf-8"
    assert error_codes(response.json()) == ["BAD_REQUEST"]


def test_browser_with_a_query_gets_its_result(client, ide_on):
    response = client.get(
        GRAPHQL_URL, {"query": "{ __typename }"}, headers={"Accept": BROWSER_ACCEPT}
    )

    assert response.status_code == 200
    assert response["Content-Type"] == f"{JSON}; charset=utf-8"
    assert without_cost(response.json()) == {"data": {"__typename": "Query"}}


def test_browser_gets_no_graphiql_when_it_is_off(client, ide_off):
    response = graphiql_page(client)

    assert response.status_code == 400
    assert response["Content-Type"] == f"{JSON}; charset=utf-8"
    body = response.json()
    assert error_codes(body) == ["BAD_REQUEST"]
    assert body["errors"][0]["message"] == "The `query` parameter is required."


def test_html_only_client_gets_406_when_graphiql_is_off(client, ide_off):
    response = graphiql_page(client, accept="text/html")

    assert response.status_code == 406
    assert response["Content-Type"] == f"{JSON}; charset=utf-8"
    assert error_codes(response.json()) == ["NOT_ACCEPTABLE"]


@pytest.mark.parametrize(
    "name", ["react.js", "react-dom.js", "graphiql.js", "graphiql.css"]
)
def test_assets_are_404_when_graphiql_is_off(client, ide_off, name):
    response = client.get(f"/graphql/assets/{name}")

    assert response.status_code == 404
