"""Bulk writes for seeding and rebuilds: rows as tuples, no model instances.

`bulk_create` builds a model instance per row and prepares every value of it
in Python; for hundreds of thousands of rows that is most of the time spent.
These helpers take plain tuples of values the columns store as they are
(quantized Decimals, aware datetimes, ids) and hand them to the database in
the cheapest way it offers: COPY on PostgreSQL, `executemany` elsewhere
(SQLite, which `make run` uses). No signals are sent and no `auto_now` field
is filled in: the caller gives every column it wants set.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from itertools import batched
from typing import Any

from django.db import connections, models
from django.db.models import Field, QuerySet

# Rows per executemany outside PostgreSQL: bounded memory, few round trips.
_FALLBACK_BATCH = 2000


def _on_postgres(using: str) -> bool:
    return connections[using].vendor == "postgresql"


def _fields(model: type[models.Model], names: Sequence[str]) -> list[Field[Any, Any]]:
    """The concrete fields called `names` (a relation's name gives its id column)."""
    fields: list[Field[Any, Any]] = []
    for name in names:
        field = model._meta.get_field(name)
        assert isinstance(field, Field), f"{name} is not a column"
        fields.append(field)
    return fields


def _column(field: Field[Any, Any]) -> str:
    assert field.column is not None, f"{field} has no column"
    return field.column


def _columns(using: str, fields: Sequence[Field[Any, Any]]) -> str:
    quote = connections[using].ops.quote_name
    return ", ".join(quote(_column(field)) for field in fields)


def reserve_ids(
    model: type[models.Model], count: int, *, using: str = "default"
) -> list[int]:
    """`count` new primary keys for `model`, in increasing order.

    Rows inserted with them can be referred to by other rows of the same
    batch without reading anything back. PostgreSQL draws them from the
    table's sequence, so concurrent inserts never collide. Elsewhere they
    follow the largest id in the table: call it in the transaction that
    inserts them (SQLite has one writer at a time; a race fails loudly on
    the primary key, it never mixes rows up).
    """
    if count <= 0:
        return []
    connection = connections[using]
    table = model._meta.db_table
    pk = model._meta.pk
    assert pk is not None
    with connection.cursor() as cursor:
        if _on_postgres(using):
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                "FROM generate_series(1, %s) ORDER BY 1",
                [table, _column(pk), count],
            )
            return [row[0] for row in cursor.fetchall()]
        quote = connection.ops.quote_name
        cursor.execute(f"SELECT MAX({quote(_column(pk))}) FROM {quote(table)}")  # noqa: S608 - names, not input
        (largest,) = cursor.fetchone()
    first = (largest or 0) + 1
    return list(range(first, first + count))


def copy_rows(
    model: type[models.Model],
    names: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    using: str = "default",
) -> int:
    """Insert `rows` (values in the order of the field `names`); return how many.

    On PostgreSQL the values go through COPY as they are, except JSON fields,
    which take any JSON-serialisable value. Elsewhere every value is prepared
    by its field, as `bulk_create` would. Call it inside a transaction when
    the rows must appear all at once.
    """
    fields = _fields(model, names)
    if _on_postgres(using):
        return _copy(model, fields, rows, using)
    return _insert_many(model, fields, rows, using)


def _copy(
    model: type[models.Model],
    fields: Sequence[Field[Any, Any]],
    rows: Iterable[Sequence[Any]],
    using: str,
) -> int:
    connection = connections[using]
    json_at = [
        (n, _JsonText(field))
        for n, field in enumerate(fields)
        if isinstance(field, models.JSONField)
    ]
    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"COPY {table} ({_columns(using, fields)}) FROM STDIN"
    count = 0
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(_with_json_text(row, json_at) if json_at else row)
            count += 1
    return count


def _with_json_text(
    row: Sequence[Any], json_at: Sequence[tuple[int, _JsonText]]
) -> list[Any]:
    values = list(row)
    for n, text in json_at:
        values[n] = text(values[n])
    return values


class _JsonText:
    """A JSON field's value as the text COPY sends (the server parses it).

    A dict has no PostgreSQL type of its own, so it is serialised here.
    Bulk rows often share one value (every demo order ships to the same
    address): the last value's text is reused while the same object recurs.
    """

    def __init__(self, field: models.JSONField[Any, Any]) -> None:
        self._encoder = field.encoder
        self._last: tuple[object, str | None] | None = None

    def __call__(self, value: object) -> str | None:
        if self._last is not None and self._last[0] is value:
            return self._last[1]
        text = None if value is None else json.dumps(value, cls=self._encoder)
        self._last = (value, text)  # holds the value: its id is not reused
        return text


def _insert_many(
    model: type[models.Model],
    fields: Sequence[Field[Any, Any]],
    rows: Iterable[Sequence[Any]],
    using: str,
) -> int:
    connection = connections[using]
    table = connection.ops.quote_name(model._meta.db_table)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {table} ({_columns(using, fields)}) VALUES ({marks})"  # noqa: S608 - names, not input
    count = 0
    with connection.cursor() as cursor:
        for chunk in batched(rows, _FALLBACK_BATCH):
            cursor.executemany(
                sql,
                [
                    [
                        field.get_db_prep_save(value, connection)
                        for field, value in zip(fields, row, strict=True)
                    ]
                    for row in chunk
                ],
            )
            count += len(chunk)
    return count


def insert_select(
    model: type[models.Model],
    names: Sequence[str],
    source: QuerySet[Any],
) -> int:
    """INSERT INTO `model` the rows `source` selects, in the database; return how many.

    `source` must have a field or an annotation for each of `names` (the
    fields of `model` to fill); nothing travels through Python, so a rebuild
    of a whole table is one statement.
    """
    query = source.values_list(*names)
    using = query.db
    connection = connections[using]
    # values_list selects the columns in the order named (Django 5.2+).
    select, params = query.query.get_compiler(using=using).as_sql()
    table = connection.ops.quote_name(model._meta.db_table)
    columns = _columns(using, _fields(model, names))
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) {select}", params)
        return int(cursor.rowcount)
