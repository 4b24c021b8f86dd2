"""The admin shows the task list of the backend in use, and no other."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.factories.accounts import UserFactory
from tests.support.live_server import ROOT

REGISTERED = (
    "from django.contrib import admin; "
    "print(sorted(m._meta.label for m in admin.site._registry "
    "if m._meta.app_label.startswith('django_tasks')))"
)


def registered_task_admins(backend: str) -> str:
    """Return the task-backend models the admin registers at startup."""
    environment = {**os.environ, "TASKS_BACKEND": backend}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", REGISTERED],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_the_database_backend_shows_only_its_task_results():
    assert (
        registered_task_admins("database") == "['django_tasks_database.DBTaskResult']"
    )


def test_the_redis_backend_shows_only_its_tasks():
    assert registered_task_admins("redis") == "['django_tasks_redis.RedisTask']"


@pytest.mark.django_db
def test_the_redis_task_list_is_not_found_without_the_redis_backend(client):
    """It answered 500: the page asked a Redis that the set-up does not use."""
    client.force_login(UserFactory.create(staff=True, is_superuser=True))

    response = client.get("/admin/django_tasks_redis/redistask/")

    assert response.status_code == 404
