"""django-tasks-redis, reaching Redis the way the rest of the app does.

The package builds its client from a URL or a host and port only. Here it
comes from apps/core/redis_connection.py, with the package's own connection
options, so a REDIS_SENTINELS setup sends tasks to whichever node Sentinel
names primary, and follows a failover like every other client.
"""

from __future__ import annotations

from typing import Any

from django_tasks_redis.backends import RedisTaskBackend as PackagedBackend
from django_tasks_redis.utils import get_connection_options

from apps.core import redis_connection


class RedisTaskBackend(PackagedBackend):  # type: ignore[misc]
    """The packaged backend; only where its client comes from differs."""

    def get_client(self) -> Any:
        if self._client is None:  # type: ignore[has-type]
            self._client = redis_connection.client(
                self.options["REDIS_URL"],
                decode_responses=True,
                **get_connection_options(self.options),
            )
        return self._client
