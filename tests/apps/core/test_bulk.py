"""Bulk writes of tuple rows: the same rows on PostgreSQL (COPY) and SQLite."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction

from apps.core.bulk import copy_rows, reserve_ids
from apps.core.models import IdempotencyRecord

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
