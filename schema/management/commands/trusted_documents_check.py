"""`manage.py trusted_documents_check <manifest>`: would this schema run them all?"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from schema.core.trusted_documents import ManifestError, load_manifest, schema_problems


class Command(BaseCommand):
    help = (
        "Check a trusted-documents manifest (docs/trusted-documents.md): its "
        "format, its ids, and every document against the current schema and "
        "its limits. Exits non-zero on any problem, for a frontend's CI."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("manifest", type=Path, help="the manifest JSON file")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = load_manifest(Path(options["manifest"]))
        except ManifestError as error:
            raise CommandError(str(error)) from None
        problems = schema_problems(manifest)
        if problems:
            raise CommandError(
                f"{len(problems)} of {len(manifest.documents)} documents would be "
                "refused:\n" + "\n".join(problems)
            )
        self.stdout.write(
            f"{len(manifest.documents)} documents are valid against the schema."
        )
