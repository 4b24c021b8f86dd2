from pathlib import Path

from schema.api import schema

SDL = Path(__file__).resolve().parents[2] / "schema" / "schema.graphql"


def test_committed_sdl_matches_the_code():
    assert SDL.read_text().strip() == str(schema).strip(), (
        "schema/schema.graphql is stale: run `make schema` and commit it."
    )
