"""A DATABASE_URL naming a database nobody created says so, and how to fix it."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest
from django.db import connection

from tests.support.live_server import ROOT, database_url

pytestmark = [pytest.mark.system, pytest.mark.postgres]


def test_migrate_names_the_missing_database_and_how_to_create_it():
    url = database_url(connection.settings_dict)
    missing = f"fashionistar_missing_{uuid.uuid4().hex[:8]}"
    environment = {
        **os.environ,
        "DATABASE_URL": url.rsplit("/", 1)[0] + f"/{missing}",
        "DB_POOL_TIMEOUT": "0.5",
    }
    environment.pop("DJANGO_SETTINGS_MODULE", None)

    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    last_line = result.stderr.strip().splitlines()[-1]
    assert result.returncode != 0
    assert f'The PostgreSQL database "{missing}" (DATABASE_URL) does not exist' in (
        last_line
    )
    assert "createdb -h " in last_line
    assert last_line.split("`")[1].endswith(f" {missing}")
