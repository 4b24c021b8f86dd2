"""Test settings: base plus what only tests need."""

import os
import tempfile

from config.env import BASE_DIR
from config.settings.base import *  # noqa: F403
from config.settings.base import DATABASES
from config.settings.tasks import TASK_BACKEND_CONFIGS

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so a server process started by a test sees the data.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / ".test-db.sqlite3")}

# Tests run jobs in-process as soon as they are relayed, unless a test that
# starts real workers asks for another backend through TASKS_BACKEND.
if "TASKS_BACKEND" not in os.environ:
    TASKS_BACKEND = "immediate"
    TASKS = {"default": TASK_BACKEND_CONFIGS[TASKS_BACKEND]}

# Each test rolls its rows back, which sends no invalidation: an entry one
# test cached could answer the next. The response cache's own tests switch it
# on (tests/schema/test_response_cache.py); servers started by tests get it
# off through the environment (tests/support/live_server.py).
GRAPHQL_RESPONSE_CACHE = False

# Every GraphQL request a test makes also checks its compiled plans against
# graphql-core (schema/core/plans.py); tests/conftest.py fails on a difference.
GRAPHQL_PLAN_VERIFY = True

# Uploaded and seeded images go to a directory of this run, never the checkout's.
# A server a test starts is given the test's directory through MEDIA_ROOT.
MEDIA_ROOT = os.environ.get("MEDIA_ROOT") or tempfile.mkdtemp(
    prefix="fashionistar-test-media-"
)
