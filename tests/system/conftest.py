"""Fixtures shared by system tests: customers' mail, stock, a private PgBouncer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection
from strawberry import relay

from tests.factories.catalog import stocked_variant
from tests.support.pgbouncer import PrivateBouncer, private_pgbouncer


@pytest.fixture
def mail_dir(tmp_path: Path) -> Path:
    """Where the file email backend of the server and workers writes messages."""
    path = tmp_path / "mail"
    path.mkdir()
    return path


@pytest.fixture
def variant_gid(transactional_db) -> str:
    """A variant with plenty of stock, committed for the server to see."""
    return relay.to_base64("ProductVariant", stocked_variant(on_hand=1000).pk)


@pytest.fixture(scope="module")
def bouncer(django_db_setup) -> Iterator[PrivateBouncer]:
    """A private PgBouncer in transaction mode in front of the test database."""
    settings = connection.settings_dict
    port = int(settings.get("PORT") or 5432)
    with private_pgbouncer(postgres_port=port, user=settings["USER"]) as running:
        yield running
