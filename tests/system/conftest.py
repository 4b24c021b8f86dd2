"""Fixtures shared by the system tests that follow customers' mail."""

from __future__ import annotations

from pathlib import Path

import pytest
from strawberry import relay

from tests.factories.catalog import stocked_variant


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
