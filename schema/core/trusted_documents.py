"""Trusted documents: run only the GraphQL documents a manifest lists.

GRAPHQL_TRUSTED_DOCUMENTS is `off` (run anything), `allow` (run anything, log
what the manifest lacks: the rollout mode) or `strict` (run only the
manifest's documents). A request names a document by `documentId` (the
GraphQL-over-HTTP persisted-documents appendix), by Apollo's
`extensions.persistedQuery.sha256Hash`, or sends its full text, trusted when
the text's SHA-256 is the hash of a manifest document. Everything is decided
on the request's strings before the document is parsed. A few dozen lines of
dictionary lookups, so no library (Strawberry has none for this).
docs/trusted-documents.md has the manifest format and the rollout.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error
from graphql import GraphQLError, GraphQLSchema, parse, specified_rules, validate

logger = logging.getLogger("fashionistar.graphql")

OFF, ALLOW, STRICT = "off", "allow", "strict"

# Request error codes (docs/graphql.md "Errors").
PERSISTED_DOCUMENT_NOT_FOUND = "PERSISTED_DOCUMENT_NOT_FOUND"
# Apollo's code and message for an unknown sha256Hash: its persisted-queries
# link then sends the full text, which `off` and `allow` run.
PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
TRUSTED_DOCUMENT_REQUIRED = "TRUSTED_DOCUMENT_REQUIRED"

APOLLO_MANIFEST_FORMAT = "apollo-persisted-query-manifest"
SHA256_PREFIX = "sha256:"
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")


def sha256_hex(text: str) -> str:
    """Return the lower-case hex SHA-256 of `text` encoded as UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def is_sha256_hex(value: str) -> bool:
    """True for 64 lower-case hex digits, the form of an Apollo sha256Hash."""
    return _SHA256_HEX.fullmatch(value) is not None


class ManifestError(ValueError):
    """The manifest cannot be read, is not JSON, or is not of a known shape."""


@dataclass(frozen=True, slots=True)
class Manifest:
    """The trusted documents: by the manifest's ids, and by their text's hash."""

    documents: Mapping[str, str] = field(default_factory=dict)
    by_sha256: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, documents: Mapping[str, str]) -> Manifest:
        return cls(
            documents=dict(documents),
            by_sha256={sha256_hex(text): text for text in documents.values()},
        )

    def document(self, document_id: str) -> str | None:
        """Return the text with this id; a `sha256:` id also finds it by hash."""
        text = self.documents.get(document_id)
        if text is None and document_id.startswith(SHA256_PREFIX):
            text = self.by_sha256.get(document_id.removeprefix(SHA256_PREFIX))
        return text

    def trusts(self, text: str) -> bool:
        return sha256_hex(text) in self.by_sha256


def parse_manifest(raw: object) -> Manifest:
    """Read a manifest: a JSON object of id -> text, or Apollo's manifest.

    An id that is a SHA-256 (`sha256:<64 hex>` or 64 hex) must be the hash of
    its text: one that is not means the manifest was edited by hand or is
    stale, and its clients would be refused.
    """
    if isinstance(raw, dict) and raw.get("format") == APOLLO_MANIFEST_FORMAT:
        documents = _apollo_documents(raw)
    elif isinstance(raw, dict):
        documents = raw
    else:
        msg = "the manifest must be a JSON object of document id to document text."
        raise ManifestError(msg)
    for document_id, text in documents.items():
        if not isinstance(text, str) or not text.strip() or not document_id:
            msg = (
                f"document {document_id!r}: the id and text must be non-empty strings."
            )
            raise ManifestError(msg)
        is_hash = document_id.startswith(SHA256_PREFIX) or _SHA256_HEX.fullmatch(
            document_id
        )
        if is_hash and document_id.removeprefix(SHA256_PREFIX) != sha256_hex(text):
            msg = f"document {document_id!r}: the id is not the SHA-256 of its text."
            raise ManifestError(msg)
    return Manifest.of(documents)


def _apollo_documents(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The operations of an Apollo persisted-query manifest (version 1), by id."""
    operations = raw.get("operations")
    if raw.get("version") != 1 or not isinstance(operations, list):
        msg = (
            f"an {APOLLO_MANIFEST_FORMAT} must be version 1 with a list of operations."
        )
        raise ManifestError(msg)
    documents: dict[str, Any] = {}
    for operation in operations:
        if not isinstance(operation, dict) or not isinstance(operation.get("id"), str):
            msg = "each operation must be an object with a string id and body."
            raise ManifestError(msg)
        documents[operation["id"]] = operation.get("body")
    return documents


def load_manifest(path: Path) -> Manifest:
    """Read and check the manifest file at `path`."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        msg = f"cannot read {path}: {error}"
        raise ManifestError(msg) from None
    except json.JSONDecodeError as error:
        msg = f"{path} is not JSON: {error}"
        raise ManifestError(msg) from None
    return parse_manifest(raw)


@cache
def manifest_at(path: Path | None) -> Manifest:
    """The manifest at `path`, read once per process (empty for None)."""
    return Manifest() if path is None else load_manifest(path)


def current_manifest() -> Manifest:
    """The configured manifest: the one the startup check read and approved."""
    path: Path | None = settings.GRAPHQL_TRUSTED_DOCUMENTS_MANIFEST
    return manifest_at(path)


def document_problems(
    manifest: Manifest, schema: GraphQLSchema, *, rules: Iterable[Any] = ()
) -> list[str]:
    """Return why each manifest document would be refused by `schema`, if it would."""
    problems = []
    for document_id, text in manifest.documents.items():
        try:
            errors = validate(
                schema,
                parse(text, max_tokens=settings.GRAPHQL_MAX_TOKENS),
                [*specified_rules, *rules],
            )
        except GraphQLError as error:
            errors = [error]
        if errors:
            problems.append(f"{document_id}: {errors[0].message}")
    return problems


# Requests -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Refusal:
    """A request error: the document is unknown, or not trusted."""

    code: str
    message: str


@dataclass(frozen=True, slots=True)
class Admission:
    """What a request asks to run: its text, and whether the manifest has it.

    In `off` mode a text's hash is not looked up, so it is never `trusted`.
    """

    query: str | None
    trusted: bool
    refusal: Refusal | None = None


def admit(
    *, query: str | None, document_id: str | None, extensions: Mapping[str, Any] | None
) -> Admission:
    """Find the text a request runs, from its query, documentId or Apollo hash."""
    if query is not None:
        trusted = settings.GRAPHQL_TRUSTED_DOCUMENTS != OFF and (
            current_manifest().trusts(query)
        )
        return Admission(query=query, trusted=trusted)
    manifest = current_manifest()
    if document_id is not None:
        text = manifest.document(document_id)
        refusal = Refusal(
            PERSISTED_DOCUMENT_NOT_FOUND, "No trusted document has this documentId."
        )
    else:
        text = manifest.by_sha256.get(apollo_hash(extensions) or "")
        refusal = Refusal(PERSISTED_QUERY_NOT_FOUND, "PersistedQueryNotFound")
    if text is None:
        return Admission(query=None, trusted=False, refusal=refusal)
    return Admission(query=text, trusted=True)


def apollo_hash(extensions: Mapping[str, Any] | None) -> str | None:
    """Return `extensions.persistedQuery.sha256Hash`, if the request has one."""
    persisted = (extensions or {}).get("persistedQuery")
    value = persisted.get("sha256Hash") if isinstance(persisted, dict) else None
    return value if isinstance(value, str) else None


async def arefusal(
    admission: Admission,
    *,
    operation_name: str | None,
    ais_staff: Callable[[], Awaitable[bool]],
) -> Refusal | None:
    """Return why the admitted document may not run, or None if it may.

    `ais_staff` is asked only in strict mode with the exemption on, and only
    for a document the manifest lacks: trusted documents cost no lookup.
    """
    if admission.refusal is not None:
        return admission.refusal
    mode = settings.GRAPHQL_TRUSTED_DOCUMENTS
    if admission.trusted or mode == OFF:
        return None
    if mode == ALLOW:
        # What strict mode would refuse: operators count these lines.
        logger.warning(
            "graphql untrusted document",
            extra={
                "document_id": SHA256_PREFIX + sha256_hex(admission.query or ""),
                "operation_name": operation_name,
            },
        )
        return None
    if settings.GRAPHQL_TRUSTED_DOCUMENTS_EXEMPT_STAFF and await ais_staff():
        return None
    return Refusal(
        TRUSTED_DOCUMENT_REQUIRED,
        "This server runs only trusted documents: send the documentId of a "
        "document in its manifest.",
    )


# Startup check (registered by schema/apps.py) -----------------------------


def trusted_documents_check(**kwargs: Any) -> list[CheckMessage]:
    """Refuse to start with strict mode and no manifest, or a bad manifest."""
    path: Path | None = settings.GRAPHQL_TRUSTED_DOCUMENTS_MANIFEST
    if path is None:
        if settings.GRAPHQL_TRUSTED_DOCUMENTS != STRICT:
            return []
        return [
            Error(
                "GRAPHQL_TRUSTED_DOCUMENTS is strict but no manifest is set: "
                "every request would be refused.",
                hint="Set GRAPHQL_TRUSTED_DOCUMENTS_MANIFEST to the manifest's path.",
                id="schema.E001",
            )
        ]
    try:
        manifest = manifest_at(path)
    except ManifestError as error:
        return [
            Error(
                f"GRAPHQL_TRUSTED_DOCUMENTS_MANIFEST: {error}",
                hint="docs/trusted-documents.md describes the format.",
                id="schema.E002",
            )
        ]
    return [
        Error(
            f"GRAPHQL_TRUSTED_DOCUMENTS_MANIFEST: {problem}",
            hint="Rebuild the manifest against this schema "
            "(manage.py trusted_documents_check <file>).",
            id="schema.E003",
        )
        for problem in schema_problems(manifest)
    ]


def schema_problems(manifest: Manifest) -> list[str]:
    """Validate the manifest against the served schema and its document limits."""
    # Imported here: the schema imports models, which need the app registry.
    from schema.api import schema
    from schema.core.limits import DocumentLimits

    return document_problems(
        manifest, schema._schema, rules=DocumentLimits().validation_rules
    )
