"""Bulk writes of tuple rows: the same rows on PostgreSQL (COPY) and SQLite."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import BigIntegerField, Value

from apps.core.bulk import copy_rows, insert_select, reserve_ids
from apps.core.models import IdempotencyRecord
from apps.reports.models import DailyCategorySales, DailySales

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # a DST change in Europe
FIELDS = ("id", "operation", "owner", "key", "request_hash", "response", "created_at")
SHARED = {"user": {"id": "VXNlcjox"}, "errors": [], "note": "é \\ \t tab"}


def _rows(ids: list[int]) -> list[tuple[object, ...]]:
    return [
        (
            pk,
            "orderPlace",
            f"user:{n}",
            f"k{n}",
            "0" * 64,
            SHARED if n % 2 else {"n": n},
            NOW + timedelta(minutes=n),
        )
        for n, pk in enumerate(ids)
    ]


def test_copied_rows_read_back_as_written_with_their_reserved_ids():
    with transaction.atomic():
        ids = reserve_ids(IdempotencyRecord, 5)
        written = copy_rows(IdempotencyRecord, FIELDS, _rows(ids))

    assert written == 5
    assert ids == sorted(ids)
    assert len(set(ids)) == 5
    assert list(IdempotencyRecord.objects.order_by("id").values_list(*FIELDS)) == _rows(
        ids
    )


def test_ids_are_not_handed_out_twice():
    with transaction.atomic():
        first = reserve_ids(IdempotencyRecord, 3)
        copy_rows(IdempotencyRecord, FIELDS, _rows(first))

    later = IdempotencyRecord.objects.create(
        operation="o", owner="u", key="later", request_hash="", created_at=NOW
    )
    with transaction.atomic():
        second = reserve_ids(IdempotencyRecord, 2)

    assert later.pk > max(first)
    assert min(second) > later.pk
    assert reserve_ids(IdempotencyRecord, 0) == []


def test_insert_select_fills_each_named_field_from_its_namesake():
    days = [date(2026, 3, 28) + timedelta(days=n) for n in range(3)]
    for n, day in enumerate(days):
        DailySales.objects.create(
            day=day,
            currency="USD",
            orders=n + 1,
            units=10 * n,
            gross=Decimal(f"{n}.25"),
            refunds=Decimal(f"0.{n}5"),
        )
    # The names in another order than the source's columns: matched by name.
    names = ("refunds", "category_id", "units", "day", "gross", "orders", "currency")
    source = DailySales.objects.filter(day__gt=days[0]).annotate(
        category_id=Value(7, output_field=BigIntegerField())
    )

    copied = insert_select(DailyCategorySales, names, source)

    assert copied == 2
    fields = ("day", "currency", "category_id", "orders", "units", "gross", "refunds")
    assert list(DailyCategorySales.objects.order_by("day").values_list(*fields)) == [
        (day, "USD", 7, n + 1, 10 * n, Decimal(f"{n}.25"), Decimal(f"0.{n}5"))
        for n, day in enumerate(days)
        if n
    ]
