"""`manage.py trusted_documents_build <dir>`: a manifest from .graphql files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from schema.core.trusted_documents import (
    SHA256_PREFIX,
    Manifest,
    schema_problems,
    sha256_hex,
)


class Command(BaseCommand):
    help = (
        "Build a trusted-documents manifest from every .graphql file under a "
        "directory, one document per file, each keyed sha256:<hash of its "
        "text>. Writes JSON to --output, or to stdout; refuses documents the "
        "schema would refuse."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path)
        parser.add_argument(
            "--output", type=Path, help="file to write (default: stdout)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        directory = Path(options["directory"])
        files = sorted(directory.rglob("*.graphql"))
        if not files:
            raise CommandError(f"No .graphql files under {directory}.")
        by_file = {str(path): path.read_text(encoding="utf-8") for path in files}
        # Checked by file name, so each problem names the file to fix.
        problems = schema_problems(Manifest.of(by_file))
        if problems:
            raise CommandError("\n".join(problems))
        documents = {SHA256_PREFIX + sha256_hex(t): t for t in by_file.values()}
        content = json.dumps(documents, indent=2, sort_keys=True) + "\n"
        if options["output"] is None:
            self.stdout.write(content, ending="")
        else:
            output = Path(options["output"])
            output.write_text(content, encoding="utf-8")
            self.stdout.write(f"{len(documents)} documents written to {output}.")
