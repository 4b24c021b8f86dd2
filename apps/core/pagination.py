"""Keyset (seek) pagination over a queryset ordered by one field plus the id.

Pages stay cheap at any depth (an index range scan, no OFFSET) and stable
while rows are inserted, which offset cursors are not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import F, Model, Q, QuerySet
from django.db.models import Window as SqlWindow
from django.db.models.functions import RowNumber

from apps.core.error_codes import CoreErrorCode
from apps.core.errors import DomainError


@dataclass(frozen=True, slots=True, kw_only=True)
class Ordering:
    """Order by `field` (then by id in the same direction as the tie-breaker).

    `annotated` marks a field the queryset computes (a search rank), whose
    cursor values are floats rather than a model field's.
    """

    field: str
    descending: bool = False
    annotated: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Position:
    """A row's place in an ordering: its sort value as text, and its id."""

    value: str
    id: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Window:
    """Which slice to fetch: `first` rows after, or `last` rows before."""

    first: int | None = None
    last: int | None = None
    after: Position | None = None
    before: Position | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Page[T]:
    """The rows of one slice and whether more exist on either side."""

    rows: list[T]
    positions: list[Position]
    has_next: bool
    has_previous: bool


def keyset_page[M: Model](
    queryset: QuerySet[M, dict[str, Any]], ordering: Ordering, window: Window
) -> Page[dict[str, Any]]:
    """Fetch one page of a `.values()` queryset (which must include the id).

    Raises:
        DomainError: INVALID_CURSOR when a position does not fit the ordering.
    """
    qs, backwards, limit = _narrow(queryset, ordering, window)
    prefix = "-" if ordering.descending != backwards else ""
    rows = list(qs.order_by(f"{prefix}{ordering.field}", f"{prefix}id")[: limit + 1])
    return _page(rows, ordering, window, backwards=backwards, limit=limit)


@dataclass(frozen=True, slots=True)
class PageStatement:
    """One page's compiled SQL, to run as often as it is asked for again."""

    sql: str
    params: tuple[Any, ...]
    backwards: bool
    limit: int
    # The result's column aliases, read from the first run's description.
    columns: list[str] = field(default_factory=list, compare=False)


def keyset_statement[M: Model](
    queryset: QuerySet[M, dict[str, Any]], ordering: Ordering, window: Window
) -> PageStatement:
    """Compile the statement `keyset_page` would run for this page.

    Compiling a queryset costs as much CPU as running it; a caller that
    keeps statements by their inputs compiles each once.

    Raises:
        DomainError: INVALID_CURSOR when a position does not fit the ordering.
    """
    qs, backwards, limit = _narrow(queryset, ordering, window)
    prefix = "-" if ordering.descending != backwards else ""
    ordered = qs.order_by(f"{prefix}{ordering.field}", f"{prefix}id")[: limit + 1]
    sql, params = ordered.query.sql_with_params()
    return PageStatement(sql, tuple(params), backwards, limit)


def run_statement(
    statement: PageStatement, ordering: Ordering, window: Window
) -> Page[dict[str, Any]]:
    """Run a compiled page: rows as `.values()` gives them, keyed by column alias."""
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, statement.params)
        if not statement.columns:
            statement.columns.extend(column.name for column in cursor.description)
        names = statement.columns
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return _page(
        rows, ordering, window, backwards=statement.backwards, limit=statement.limit
    )


def keyset_pages_by_parent[M: Model](
    queryset: QuerySet[M, dict[str, Any]],
    parent_field: str,
    parent_ids: list[int],
    ordering: Ordering,
    window: Window,
) -> dict[int, Page[dict[str, Any]]]:
    """Fetch the same page of children for many parents in one query.

    ROW_NUMBER() partitioned by parent keeps each parent's slice to its own
    limit, so a list of 100 categories with their products is still one query.

    Raises:
        DomainError: INVALID_CURSOR when a position does not fit the ordering.
    """
    qs, backwards, limit = _narrow(
        queryset.filter(**{f"{parent_field}__in": parent_ids}), ordering, window
    )
    descending = ordering.descending != backwards
    order = [
        F(ordering.field).desc() if descending else F(ordering.field).asc(),
        F("id").desc() if descending else F("id").asc(),
    ]
    ranked = qs.annotate(
        _row=SqlWindow(RowNumber(), partition_by=[F(parent_field)], order_by=order)
    ).filter(_row__lte=limit + 1)
    grouped: dict[int, list[dict[str, Any]]] = {pid: [] for pid in parent_ids}
    for row in ranked.order_by(parent_field, "_row"):
        grouped[row[parent_field]].append(row)
    return {
        pid: _page(rows, ordering, window, backwards=backwards, limit=limit)
        for pid, rows in grouped.items()
    }


def _narrow[Q_: QuerySet[Any, Any]](
    queryset: Q_, ordering: Ordering, window: Window
) -> tuple[Q_, bool, int]:
    """Apply the cursors; return the queryset, the direction and the limit."""
    qs = queryset
    if window.after is not None:
        qs = qs.filter(_beyond(qs.model, ordering, window.after, forward=True))
    if window.before is not None:
        qs = qs.filter(_beyond(qs.model, ordering, window.before, forward=False))
    backwards = window.last is not None and window.first is None
    limit = window.last if backwards else window.first
    assert limit is not None
    return qs, backwards, limit


def _page(
    rows: list[dict[str, Any]],
    ordering: Ordering,
    window: Window,
    *,
    backwards: bool,
    limit: int,
) -> Page[dict[str, Any]]:
    """Trim the probe row (limit + 1 were fetched) and restore reading order."""
    has_more = len(rows) > limit
    rows = rows[:limit]
    if backwards:
        rows.reverse()
    positions = [
        Position(value=_as_text(row[ordering.field]), id=row["id"]) for row in rows
    ]
    return Page(
        rows=rows,
        positions=positions,
        has_next=(window.before is not None) if backwards else has_more,
        has_previous=has_more if backwards else (window.after is not None),
    )


def _beyond(
    model: type[Model], ordering: Ordering, position: Position, *, forward: bool
) -> Q:
    """Rows strictly after (forward) or before `position` in `ordering`."""
    value = _parse(model, ordering, position.value)
    op = "gt" if forward != ordering.descending else "lt"
    return Q(**{f"{ordering.field}__{op}": value}) | Q(
        **{ordering.field: value, f"id__{op}": position.id}
    )


def _parse(model: type[Model], ordering: Ordering, text: str) -> object:
    try:
        if ordering.annotated:
            value = float(text)  # str(float) round-trips exactly
            if value != value:  # NaN compares false to everything
                raise ValueError(text)
            return value
        field = model._meta.get_field(ordering.field)
        return field.to_python(text)  # type: ignore[union-attr]
    except (ValidationError, ValueError, TypeError) as exc:
        raise DomainError(
            CoreErrorCode.INVALID_CURSOR, "The cursor does not belong to this ordering."
        ) from exc


def _as_text(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)
