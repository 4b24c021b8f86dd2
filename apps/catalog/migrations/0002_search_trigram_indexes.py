"""Trigram indexes for the shopper's free-text search on PostgreSQL.

`icontains` compiles to `UPPER(col::text) LIKE UPPER('%text%')`, which no
B-tree can serve; a GIN trigram index on the same expression can. SQLite has
no equivalent and needs none at demo sizes, so this is PostgreSQL-only.
pg_trgm is a trusted extension (PostgreSQL 13+): a database owner may create it.
"""

from django.db import migrations

COLUMNS = ("name", "brand", "description")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS catalog_product_{column}_trgm "
            f"ON catalog_product USING gin (UPPER({column}::text) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS catalog_product_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
