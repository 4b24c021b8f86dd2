"""GRAPHQL_TRUSTED_DOCUMENTS: off runs anything, allow logs the unknown, strict refuses it.

Through the real /graphql/ endpoint; the manifest is a file, as in production.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from django.core import checks
from django.core.management import CommandError, call_command
from django.test import Client

from schema.core.trusted_documents import sha256_hex
from tests.factories.accounts import UserFactory
from tests.schema.test_limits import at_depth
from tests.support.graphql import GRAPHQL_URL, JSON, error_codes, token, without_cost
from tests.support.live_server import live_server
from tests.support.queries import assert_num_queries
from tests.unit.test_settings import manage

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
NAMES = (
    "query Names($first: Int) { products(first: $first) { edges { node { name } } } }"
)
REVOKE = (
    "mutation Revoke($t: String!) { tokenRevoke(refreshToken: $t) { errors { code } } }"
)
ARBITRARY = "{ __typename }"
NAMES_ID = "sha256:" + sha256_hex(NAMES)
EMPTY_PAGE: dict[str, Any] = {"products": {"edges": []}}


def write_manifest(directory: Path, documents: dict[str, Any]) -> Path:
    path = directory / "persisted-documents.json"
    path.write_text(json.dumps(documents), encoding="utf-8")
    return path


@pytest.fixture
def manifest(tmp_path: Path) -> Path:
    """A manifest in the GraphQL Codegen shape: `sha256:<hex>` -> text."""
    return write_manifest(
        tmp_path, {NAMES_ID: NAMES, "sha256:" + sha256_hex(REVOKE): REVOKE}
    )


@pytest.fixture
def strict(settings: Any, manifest: Path) -> None:
    settings.GRAPHQL_TRUSTED_DOCUMENTS = "strict"
    settings.GRAPHQL_TRUSTED_DOCUMENTS_MANIFEST = manifest


@pytest.fixture
def allow(settings: Any, manifest: Path, caplog: pytest.LogCaptureFixture) -> None:
    settings.GRAPHQL_TRUSTED_DOCUMENTS = "allow"
    settings.GRAPHQL_TRUSTED_DOCUMENTS_MANIFEST = manifest
    caplog.set_level(logging.WARNING, logger="fashionistar.graphql")


def untrusted_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.msg == "graphql untrusted document"]


def post(
    client: Client,
    body: dict[str, Any],
    *,
    bearer: str | None = None,
    accept: str = JSON,
) -> Any:
    headers = {"Accept": accept}
    if bearer is not None:
        headers["Authorization"] = f"Bearer {bearer}"
    return client.post(
        GRAPHQL_URL, data=json.dumps(body), content_type=JSON, headers=headers
    )


# Modes ------------------------------------------------------------------------


def test_off_runs_an_arbitrary_document(gql_client):
    body = post(gql_client, {"query": ARBITRARY}).json()

    assert without_cost(body) == {"data": {"__typename": "Query"}}


def test_off_runs_a_manifest_document_by_id(gql_client, settings, manifest):
    settings.GRAPHQL_TRUSTED_DOCUMENTS_MANIFEST = manifest

    body = post(gql_client, {"documentId": NAMES_ID}).json()

    assert without_cost(body) == {"data": EMPTY_PAGE}


def test_allow_runs_an_arbitrary_document_and_logs_its_hash(gql_client, allow, caplog):
    body = post(gql_client, {"query": ARBITRARY}).json()

    assert without_cost(body) == {"data": {"__typename": "Query"}}
    [line] = untrusted_lines(caplog)
    assert line.__dict__["document_id"] == "sha256:" + sha256_hex(ARBITRARY)


def test_allow_runs_a_manifest_document_without_logging_it(gql_client, allow, caplog):
    by_id = post(gql_client, {"documentId": NAMES_ID}).json()
    by_text = post(gql_client, {"query": NAMES}).json()

    assert without_cost(by_id) == without_cost(by_text) == {"data": EMPTY_PAGE}
    assert untrusted_lines(caplog) == []


def test_strict_runs_a_manifest_document_by_id_with_its_variables(gql_client, strict):
    body = post(
        gql_client,
        {"documentId": NAMES_ID, "variables": {"first": 1}, "operationName": "Names"},
    ).json()

    assert without_cost(body) == {"data": EMPTY_PAGE}


def test_strict_runs_a_manifest_document_sent_as_its_full_text(gql_client, strict):
    body = post(gql_client, {"query": NAMES}).json()

    assert without_cost(body) == {"data": EMPTY_PAGE}


def test_strict_refuses_an_arbitrary_document_before_any_sql(gql_client, strict):
    with assert_num_queries(0):
        response = post(gql_client, {"query": ARBITRARY}, accept=GRAPHQL_RESPONSE_JSON)

    assert response.status_code == 400
    body = response.json()
    assert "data" not in body
    assert error_codes(body) == ["TRUSTED_DOCUMENT_REQUIRED"]


def test_strict_refuses_a_manifest_document_changed_by_one_character(
    gql_client, strict
):
    body = post(gql_client, {"query": NAMES + " "}).json()

    assert error_codes(body) == ["TRUSTED_DOCUMENT_REQUIRED"]


# Naming a document --------------------------------------------------------------


def test_an_unknown_document_id_is_not_found_before_any_sql(gql_client, strict):
    with assert_num_queries(0):
        response = post(
            gql_client,
            {"documentId": "sha256:" + "0" * 64},
            accept=GRAPHQL_RESPONSE_JSON,
        )

    assert response.status_code == 400
    assert error_codes(response.json()) == ["PERSISTED_DOCUMENT_NOT_FOUND"]


def test_a_custom_document_id_names_its_manifest_document(
    gql_client, settings, tmp_path
):
    # Relay's manifests key documents by an MD5 of their text.
    settings.GRAPHQL_TRUSTED_DOCUMENTS = "strict"
    settings.GRAPHQL_TRUSTED_DOCUMENTS_MANIFEST = write_manifest(
        tmp_path, {"3f2b0d7c9a8e4f6b1c5d2e7a9b0c4d6e": NAMES}
    )

    by_custom_id = post(
        gql_client, {"documentId": "3f2b0d7c9a8e4f6b1c5d2e7a9b0c4d6e"}
    ).json()
    by_hash = post(gql_client, {"documentId": NAMES_ID}).json()

    assert without_cost(by_custom_id) == without_cost(by_hash) == {"data": EMPTY_PAGE}


def test_an_apollo_sha256_hash_names_its_manifest_document(gql_client, strict):
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": sha256_hex(NAMES)}}

    body = post(gql_client, {"extensions": extensions}).json()

    assert without_cost(body) == {"data": EMPTY_PAGE}


def test_an_unknown_apollo_hash_is_apollos_not_found(gql_client, strict):
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}}

    body = post(gql_client, {"extensions": extensions}).json()

    # The message Apollo's persisted-queries link looks for.
    assert body["errors"][0]["message"] == "PersistedQueryNotFound"
    assert error_codes(body) == ["PERSISTED_QUERY_NOT_FOUND"]


def test_get_runs_a_manifest_query_by_document_id(gql_client, strict):
    response = gql_client.get(
        GRAPHQL_URL,
        {"documentId": NAMES_ID, "variables": '{"first":1}'},
        headers={"Accept": JSON},
    )

    assert without_cost(response.json()) == {"data": EMPTY_PAGE}


def test_get_refuses_a_manifest_mutation_by_document_id_with_405(gql_client, strict):
    response = gql_client.get(
        GRAPHQL_URL,
        {"documentId": "sha256:" + sha256_hex(REVOKE)},
        headers={"Accept": JSON},
    )

    assert response.status_code == 405
    assert error_codes(response.json()) == ["METHOD_NOT_ALLOWED"]


def test_a_request_with_both_query_and_document_id_is_a_bad_request(gql_client):
    response = post(gql_client, {"query": NAMES, "documentId": NAMES_ID})

    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"] == {
        "code": "BAD_REQUEST",
        "pointer": "/documentId",
    }


def test_a_document_id_that_is_not_a_string_is_a_bad_request(gql_client):
    response = post(gql_client, {"documentId": 7})

    assert response.status_code == 400
    assert error_codes(response.json()) == ["BAD_REQUEST"]


# Staff exemption --------------------------------------------------------------


def test_strict_refuses_staff_while_the_exemption_is_off(gql_client, strict):
    staff = UserFactory(staff=True)

    body = post(gql_client, {"query": ARBITRARY}, bearer=token(staff)).json()

    assert error_codes(body) == ["TRUSTED_DOCUMENT_REQUIRED"]


def test_strict_runs_any_document_for_a_staff_token_when_exempt(
    gql_client, strict, settings
):
    settings.GRAPHQL_TRUSTED_DOCUMENTS_EXEMPT_STAFF = True
    staff = UserFactory(staff=True)

    body = post(gql_client, {"query": ARBITRARY}, bearer=token(staff)).json()

    assert without_cost(body) == {"data": {"__typename": "Query"}}


def test_strict_runs_any_document_for_a_staff_session_when_exempt(
    gql_client, strict, settings
):
    # GraphiQL's requests: the admin's session cookie, no token.
    settings.GRAPHQL_TRUSTED_DOCUMENTS_EXEMPT_STAFF = True
    gql_client.force_login(UserFactory(staff=True))

    response = gql_client.get(
        GRAPHQL_URL, {"query": ARBITRARY}, headers={"Accept": JSON}
    )

    assert without_cost(response.json()) == {"data": {"__typename": "Query"}}


def test_strict_refuses_a_customer_when_staff_are_exempt(gql_client, strict, settings):
    settings.GRAPHQL_TRUSTED_DOCUMENTS_EXEMPT_STAFF = True
    customer = UserFactory()

    body = post(gql_client, {"query": ARBITRARY}, bearer=token(customer)).json()

    assert error_codes(body) == ["TRUSTED_DOCUMENT_REQUIRED"]


def test_strict_refuses_an_anonymous_caller_when_staff_are_exempt_without_sql(
    gql_client, strict, settings
):
    settings.GRAPHQL_TRUSTED_DOCUMENTS_EXEMPT_STAFF = True

    with assert_num_queries(0):
        body = post(gql_client, {"query": ARBITRARY}).json()

    assert error_codes(body) == ["TRUSTED_DOCUMENT_REQUIRED"]


# Startup checks ------------------------------------------------------------------


def check_ids() -> list[str | None]:
    return [message.id for message in checks.run_checks(tags=["graphql"])]


def test_startup_check_refuses_strict_mode_without_a_manifest(settings):
    settings.GRAPHQL_TRUSTED_DOCUMENTS = "strict"
    settings.GRAPHQL_TRUSTED_DOCUMENTS_MANIFEST = None

    assert check_ids() == ["schema.E001"]


def test_startup_check_refuses_a_manifest_it_cannot_read(settings, tmp_path):
    settings.GRAPHQL_TRUSTED_DOCUMENTS_MANIFEST = tmp_path / "missing.json"

    assert check_ids() == ["schema.E002"]


@pytest.mark.parametrize(
    "content",
    [
        "not json",
        "[]",
        json.dumps({"q": 7}),
        json.dumps({"format": "apollo-persisted-query-manifest", "version": 2}),
    ],
    ids=["not-json", "not-an-object", "text-not-a-string", "unknown-apollo-version"],
)
def test_startup_check_refuses_a_manifest_of_no_known_shape(
    settings, tmp_path, content
):
    path = tmp_path / "manifest.json"
    path.write_text(content, encoding="utf-8")
    settings.GRAPHQL_TRUSTED_DOCUMENTS_MANIFEST = path

    assert check_ids() == ["schema.E002"]


def test_startup_check_refuses_a_sha256_id_that_is_not_its_texts_hash(
    settings, tmp_path
):
    settings.GRAPHQL_TRUSTED_DOCUMENTS_MANIFEST = write_manifest(
        tmp_path, {NAMES_ID: ARBITRARY}
    )

    assert check_ids() == ["schema.E002"]


def test_startup_check_refuses_a_document_the_schema_refuses(settings, tmp_path):
    settings.GRAPHQL_TRUSTED_DOCUMENTS_MANIFEST = write_manifest(
        tmp_path, {"stale": "{ productz { name } }", "ok": NAMES}
    )

    [error] = checks.run_checks(tags=["graphql"])

    assert error.id == "schema.E003"
    assert error.msg.startswith("GRAPHQL_TRUSTED_DOCUMENTS_MANIFEST: stale: ")


def test_startup_check_accepts_an_apollo_manifest(settings, tmp_path):
    settings.GRAPHQL_TRUSTED_DOCUMENTS = "strict"
    settings.GRAPHQL_TRUSTED_DOCUMENTS_MANIFEST = write_manifest(
        tmp_path,
        {
            "format": "apollo-persisted-query-manifest",
            "version": 1,
            "operations": [
                {
                    "id": sha256_hex(NAMES),
                    "name": "Names",
                    "type": "query",
                    "body": NAMES,
                }
            ],
        },
    )

    assert check_ids() == []


def test_migrate_in_strict_mode_without_a_manifest_refuses_to_run():
    # `make run` and deployments migrate first.
    result = manage("migrate", "--plan", GRAPHQL_TRUSTED_DOCUMENTS="strict")

    assert result.returncode != 0
    assert "(schema.E001)" in result.stderr


def test_the_server_refuses_to_start_with_a_manifest_it_cannot_read(tmp_path):
    environment = {
        "GRAPHQL_TRUSTED_DOCUMENTS": "strict",
        "GRAPHQL_TRUSTED_DOCUMENTS_MANIFEST": str(tmp_path / "missing.json"),
    }

    with (
        pytest.raises(RuntimeError, match="exited") as refused,
        live_server(env=environment),
    ):
        pass

    assert "(schema.E002)" in "".join(refused.value.__notes__)


def test_an_unknown_mode_refuses_to_start():
    result = manage("check", GRAPHQL_TRUSTED_DOCUMENTS="enforce")

    assert result.returncode != 0
    assert "GRAPHQL_TRUSTED_DOCUMENTS must be one of off, allow, strict." in (
        result.stderr
    )


# Commands ------------------------------------------------------------------------


def test_check_command_passes_a_manifest_the_schema_runs(manifest, capsys):
    call_command("trusted_documents_check", str(manifest))

    assert "2 documents are valid against the schema." in capsys.readouterr().out


def test_check_command_fails_naming_each_document_the_schema_refuses(tmp_path):
    path = write_manifest(
        tmp_path, {"old": "{ productz { name } }", "deep": at_depth(13)}
    )

    with pytest.raises(CommandError) as refused:
        call_command("trusted_documents_check", str(path))

    message = str(refused.value)
    assert message.startswith("2 of 2 documents would be refused:")
    assert "\nold: " in message
    assert "\ndeep: " in message


def test_built_manifest_is_what_strict_mode_runs(gql_client, settings, tmp_path):
    (tmp_path / "operations").mkdir()
    (tmp_path / "operations" / "names.graphql").write_text(NAMES, encoding="utf-8")
    manifest = tmp_path / "manifest.json"

    call_command(
        "trusted_documents_build", str(tmp_path / "operations"), output=str(manifest)
    )
    settings.GRAPHQL_TRUSTED_DOCUMENTS = "strict"
    settings.GRAPHQL_TRUSTED_DOCUMENTS_MANIFEST = manifest

    assert json.loads(manifest.read_text()) == {NAMES_ID: NAMES}
    assert without_cost(post(gql_client, {"documentId": NAMES_ID}).json()) == {
        "data": EMPTY_PAGE
    }


def test_build_command_refuses_a_file_the_schema_refuses(tmp_path):
    (tmp_path / "broken.graphql").write_text("{ productz }", encoding="utf-8")

    with pytest.raises(CommandError, match=r"broken\.graphql: "):
        call_command("trusted_documents_build", str(tmp_path))
