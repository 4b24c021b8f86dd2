"""Every setting, driven by the environment through `config.env`.

There is no production module: production is this file with production
environment variables (see README "Configuration").
"""

import django_stubs_ext

from config import env
from config.env import BASE_DIR

# Lets generic Django classes be subscripted at runtime (Admin[Model], ...).
django_stubs_ext.monkeypatch()

DEBUG = env.debug()
SECRET_KEY = env.secret_key()
ALLOWED_HOSTS = env.allowed_hosts()

INSTALLED_APPS = [
    "config.apps.AdminConfig",  # django.contrib.admin, throttled login
    "django.contrib.auth",
    # Keep contenttypes: without it strawberry-django retries a failing import
    # on every field of every request (measured 2x slower).
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",  # search vectors and lookups; inert on SQLite
    "corsheaders",
    "strawberry_django",
    "ninja",  # its Swagger UI assets, served locally instead of from a CDN
    "apps.core",
    "apps.accounts",
    "apps.catalog",
    "apps.pricing",
    "apps.orders",
    "apps.checkout",
    "apps.jobs",
    "apps.payments",
    "apps.reports",
    "apps.demo",
    # The GraphQL interface: its startup checks and management commands.
    "schema",
    # Task backends (config/settings/tasks.py): their tables, worker commands.
    "django_tasks_db",
    "django_tasks_redis",
]

MIDDLEWARE = [
    "config.middleware.RequestLogMiddleware",
    # Before anything that may answer: a preflight gets its CORS headers here.
    "corsheaders.middleware.CorsMiddleware",
    # Session-less GraphQL requests run the rest inline, without thread hops.
    "config.graphql_lane.GraphQLLaneMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Pool bounds chosen by measurement: docs/benchmarks.md "Connection pool".
DATABASES = {"default": env.database(pool_min=2, pool_max=4)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# GraphiQL and its React runtime are npm dependencies (package.json), served
# by the app from here: no CDN, nothing pasted into the repository.
NODE_MODULES_DIR = BASE_DIR / "node_modules"

# A single node's URL, or `redis+sentinel://...` built from REDIS_SENTINELS and
# REDIS_SENTINEL_MASTER; every client comes from apps/core/redis_connection.py.
REDIS_URL = env.redis_url()
# The sentinels' own password (AUTH to Sentinel), if they ask for one.
REDIS_SENTINEL_PASSWORD = env.env.str("REDIS_SENTINEL_PASSWORD", default="") or None
MAX_REQUEST_BODY_BYTES = env.max_request_body_bytes()
# How long a request body may take to arrive (config/body_limit.py, 408).
REQUEST_BODY_TIMEOUT = env.request_body_timeout()
REQUEST_BODY_MIN_RATE = env.request_body_min_rate()
REQUEST_BODY_TIMEOUT_MAX = env.request_body_timeout_max()
# Admission control per web process (config/admission.py, docs/deploy.md).
WEB_MAX_ACTIVE_REQUESTS = env.web_max_active_requests()
WEB_QUEUE_MAX = env.web_queue_max()
WEB_QUEUE_TIMEOUT = env.web_queue_timeout()

from config.settings.auth import *  # noqa: E402, F403
from config.settings.email import *  # noqa: E402, F403
from config.settings.graphql import *  # noqa: E402, F403
from config.settings.logging import *  # noqa: E402, F403
from config.settings.media import *  # noqa: E402, F403
from config.settings.observability import *  # noqa: E402, F403
from config.settings.orders import *  # noqa: E402, F403
from config.settings.payments import *  # noqa: E402, F403
from config.settings.pricing import *  # noqa: E402, F403
from config.settings.ratelimits import *  # noqa: E402, F403
from config.settings.reports import *  # noqa: E402, F403
from config.settings.security import *  # noqa: E402, F403
from config.settings.tasks import *  # noqa: E402, F403
