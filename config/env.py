"""The single reader of the process environment.

Every setting that differs between machines comes through here (django-environ),
with a development default that needs no other service, and guards that refuse
to start production with development values.
"""

from __future__ import annotations

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

# Only valid while DEBUG is on; `secret_key()` refuses it otherwise.
DEV_SECRET_KEY = "django-insecure-dev-only-fashionistar-do-not-use-in-production"  # noqa: S105

env = environ.Env()


def debug() -> bool:
    """Return DEBUG; on by default so a fresh clone serves GraphiQL."""
    return bool(env.bool("DEBUG", default=True))


def secret_key() -> str:
    """Return SECRET_KEY, refusing the development key when DEBUG is off."""
    key: str = env.str("SECRET_KEY", default=DEV_SECRET_KEY)
    if not debug() and key == DEV_SECRET_KEY:
        msg = "SECRET_KEY must be set to a secret value when DEBUG is off."
        raise ImproperlyConfigured(msg)
    return key


# Development webhook secrets: `manage.py payment_simulate` signs with them.
DEV_STRIPE_WEBHOOK_SECRET = "whsec_development_only"  # noqa: S105
DEV_PAYSTACK_SECRET_KEY = "sk_test_development_only"  # noqa: S105


def stripe_webhook_secrets() -> list[str]:
    """Return STRIPE_WEBHOOK_SECRET as a list (comma-separated while rotating).

    The development secret only while DEBUG is on.
    """
    default = [DEV_STRIPE_WEBHOOK_SECRET] if debug() else []
    secrets: list[str] = [
        s for s in env.list("STRIPE_WEBHOOK_SECRET", default=default) if s
    ]
    return secrets


def paystack_secret_key() -> str:
    """Return PAYSTACK_SECRET_KEY (it signs Paystack webhooks); dev key in DEBUG."""
    default = DEV_PAYSTACK_SECRET_KEY if debug() else ""
    key: str = env.str("PAYSTACK_SECRET_KEY", default=default)
    return key


def payments_adapter() -> str:
    """Return PAYMENTS_ADAPTER: `simulated` by default while DEBUG is on."""
    default = "simulated" if debug() else "live"
    adapter: str = env.str("PAYMENTS_ADAPTER", default=default)
    if adapter not in ("simulated", "live"):
        msg = "PAYMENTS_ADAPTER must be simulated or live."
        raise ImproperlyConfigured(msg)
    return adapter


def server_url() -> str:
    """Return where this server is reached locally, from HOST and PORT.

    The same variables deploy/serve listens on (127.0.0.1:8000 by default);
    a wildcard HOST (0.0.0.0, ::) is reached through the loopback address.
    """
    host: str = env.str("HOST", default="127.0.0.1")
    port: int = env.int("PORT", default=8000)
    if host in ("", "0.0.0.0", "::"):  # noqa: S104 (a name to map, not a bind)
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def stripe_secret_key() -> str:
    """Return STRIPE_SECRET_KEY, the API key of the live adapter."""
    key: str = env.str("STRIPE_SECRET_KEY", default="")
    return key


def shop_time_zone() -> str:
    """Return SHOP_TIME_ZONE (an IANA name, UTC by default), checked."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    name: str = env.str("SHOP_TIME_ZONE", default="UTC")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        msg = f"SHOP_TIME_ZONE {name!r} is not an IANA time zone name."
        raise ImproperlyConfigured(msg) from None
    return name


def allowed_hosts() -> list[str]:
    """Return ALLOWED_HOSTS, a comma-separated list (localhost in development)."""
    default = ["127.0.0.1", "localhost", "[::1]"] if debug() else []
    hosts: list[str] = env.list("ALLOWED_HOSTS", default=default)
    return hosts


DEV_CORS_ALLOWED_ORIGINS = ["http://localhost:3000", "http://127.0.0.1:3000"]


def cors_allowed_origins() -> list[str]:
    """Return CORS_ALLOWED_ORIGINS: the storefront origins that may call /graphql/.

    A comma-separated list of `scheme://host[:port]`. While DEBUG is on the
    default is a storefront on port 3000; in production there is no default,
    and `*` is refused always: credentials travel in the Authorization header,
    and any page on the web must not be able to spend them.
    """
    from urllib.parse import urlsplit

    default = DEV_CORS_ALLOWED_ORIGINS if debug() else []
    origins: list[str] = [
        o.strip() for o in env.list("CORS_ALLOWED_ORIGINS", default=default) if o
    ]
    for origin in origins:
        if origin == "*":
            msg = "CORS_ALLOWED_ORIGINS must list origins; the wildcard * is refused."
            raise ImproperlyConfigured(msg)
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.path:
            msg = (
                f"CORS_ALLOWED_ORIGINS: {origin!r} is not an origin "
                "(scheme://host[:port], no path)."
            )
            raise ImproperlyConfigured(msg)
    return origins


def database_url() -> str:
    """Return DATABASE_URL; a SQLite file at the project root by default."""
    url: str = env.str("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
    return url


def database(*, pool_min: int, pool_max: int) -> dict[str, object]:
    """Return the default database configuration parsed from DATABASE_URL.

    PostgreSQL connections come from psycopg's pool (Django's native pool):
    under ASGI every request runs its ORM calls on a fresh thread, so a
    persistent per-thread connection would never be reused.
    """
    config: dict[str, object] = dict(env.db_url_config(database_url()))
    if config["ENGINE"] == "django.db.backends.postgresql":
        # Django's backend, naming a missing database (config/postgresql/).
        config["ENGINE"] = "config.postgresql"
        options = dict(config.get("OPTIONS") or {})  # type: ignore[call-overload]
        options.setdefault(
            "pool",
            {
                "min_size": env.int("DB_POOL_MIN_SIZE", default=pool_min),
                "max_size": env.int("DB_POOL_MAX_SIZE", default=pool_max),
                # Seconds a request waits for a connection. A healthy pool hands
                # one out in milliseconds; with PostgreSQL down every ORM call
                # waits this long, so it is the time to answer 503 (docs/graphql.md
                # "Availability"). Overload past 2 s is shed as 503 too.
                "timeout": env.float("DB_POOL_TIMEOUT", default=2.0),
            },
        )
        config["OPTIONS"] = options
        config["CONN_MAX_AGE"] = 0  # required by the pool
        if database_pooler() == "pgbouncer":
            _behind_pgbouncer(config, options)
    elif config["ENGINE"] == "django.db.backends.sqlite3":
        # The server and the task worker write to one file: WAL lets readers
        # run beside the writer, IMMEDIATE takes the write lock when a
        # transaction starts (a deferred one that reads, then writes, fails
        # with "database is locked" instead of waiting), and writers queue
        # for up to 20 s.
        options = dict(config.get("OPTIONS") or {})  # type: ignore[call-overload]
        options.setdefault("transaction_mode", "IMMEDIATE")
        options.setdefault("timeout", 20)
        options.setdefault(
            "init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
        )
        config["OPTIONS"] = options
    return config


POOLERS = ("pgbouncer",)


def database_pooler() -> str | None:
    """Return DATABASE_POOLER: what stands between us and PostgreSQL, or None.

    Raises:
        ImproperlyConfigured: for a pooler this app does not know.
    """
    pooler: str = env.str("DATABASE_POOLER", default="").strip().lower()
    if not pooler:
        return None
    if pooler not in POOLERS:
        msg = (
            f"DATABASE_POOLER={pooler!r} is not known: leave it unset for direct "
            f"connections, or set one of {', '.join(POOLERS)}."
        )
        raise ImproperlyConfigured(msg)
    return pooler


def _behind_pgbouncer(config: dict[str, object], options: dict[str, object]) -> None:
    """Settings for PgBouncer in transaction mode (docs/deploy.md "PgBouncer").

    Each transaction may run on another server connection, so nothing may
    outlive one: no server-side cursors (a named cursor lives in its
    session), and no prepared statements (psycopg prepares per session;
    Django's default of none is made explicit so nobody turns it on). Our own
    SQL keeps session state to `SET LOCAL` and takes no advisory locks and no
    LISTEN. Django's pool stays: it holds cheap client connections to
    PgBouncer, bounds each process, and saves a connect per request.
    """
    config["DISABLE_SERVER_SIDE_CURSORS"] = True
    options["prepare_threshold"] = None


def redis_url() -> str | None:
    """Return where Redis is, or None when nowhere: then nothing needs Redis.

    REDIS_URL names a single node. REDIS_SENTINELS (host:port,host:port,...)
    with REDIS_SENTINEL_MASTER names a primary that Sentinel finds, written
    as `redis+sentinel://host:port,host:port/<master>`.

    Raises:
        ImproperlyConfigured: for half a Sentinel setting, a sentinel that is
            not host:port, or both REDIS_URL and REDIS_SENTINELS.
    """
    url: str | None = env.str("REDIS_URL", default=None) or None
    sentinels = [s.strip() for s in env.list("REDIS_SENTINELS", default=[]) if s]
    master = env.str("REDIS_SENTINEL_MASTER", default="").strip()
    if not sentinels and not master:
        return url
    if not sentinels or not master:
        msg = "REDIS_SENTINELS and REDIS_SENTINEL_MASTER go together: set both."
        raise ImproperlyConfigured(msg)
    if url:
        msg = "Set REDIS_URL (one node) or REDIS_SENTINELS (Sentinel), not both."
        raise ImproperlyConfigured(msg)
    for sentinel in sentinels:
        host, _, port = sentinel.rpartition(":")
        if not host or not port.isdigit():
            msg = f"REDIS_SENTINELS: {sentinel!r} is not host:port."
            raise ImproperlyConfigured(msg)
    # Imported here: settings load this module before Django is set up.
    from apps.core.redis_connection import sentinel_url

    return sentinel_url(sentinels, master)


TASKS_BACKENDS = ("redis", "database", "immediate")


def tasks_backend() -> str:
    """Return TASKS_BACKEND; by default redis with REDIS_URL, else database."""
    default = "redis" if redis_url() else "database"
    backend: str = env.str("TASKS_BACKEND", default=default)
    if backend not in TASKS_BACKENDS:
        msg = f"TASKS_BACKEND must be one of {', '.join(TASKS_BACKENDS)}"
        raise ImproperlyConfigured(msg)
    return backend


def log_level() -> str:
    """Return LOG_LEVEL (INFO by default)."""
    level: str = env.str("LOG_LEVEL", default="INFO").upper()
    return level


def graphql_introspection() -> bool:
    """Return whether introspection is on; follows DEBUG unless set."""
    return bool(env.bool("GRAPHQL_INTROSPECTION", default=debug()))


def graphql_ide() -> bool:
    """Return whether GraphiQL is served; follows DEBUG unless set."""
    return bool(env.bool("GRAPHQL_IDE", default=debug()))


def max_request_body_bytes() -> int:
    """Return the request body cap in bytes (1 MiB by default)."""
    size: int = env.int("MAX_REQUEST_BODY_BYTES", default=1024 * 1024)
    return size


def secure_ssl_redirect() -> bool:
    """Return whether to redirect HTTP to HTTPS (on when DEBUG is off)."""
    return bool(env.bool("SECURE_SSL_REDIRECT", default=not debug()))


def email_verification_url() -> str:
    """Return the link template in verification emails; `{token}` is replaced.

    It points at the storefront, which posts the token to accountVerifyEmail.
    """
    url: str = env.str(
        "EMAIL_VERIFICATION_URL",
        default="http://127.0.0.1:3000/verify-email?token={token}",
    )
    return url


def password_reset_url() -> str:
    """Return the link template in password reset emails; `{token}` is replaced.

    It points at the storefront, which posts the token to setPassword.
    """
    url: str = env.str(
        "PASSWORD_RESET_URL",
        default="http://127.0.0.1:3000/reset-password?token={token}",
    )
    return url


def order_status_url() -> str:
    """Return the link template in a guest's order emails; `{token}` is replaced.

    It points at the storefront's order page, which reads orderByToken.
    """
    url: str = env.str(
        "ORDER_STATUS_URL", default="http://127.0.0.1:3000/orders/{token}"
    )
    return url


def auth_trusted_proxy_hops() -> int:
    """Return how many reverse proxies append to X-Forwarded-For (0: none).

    The login throttle keys on the client address; behind N trusted proxies it
    is the N-th address from the right of X-Forwarded-For, not REMOTE_ADDR.
    """
    hops: int = env.int("AUTH_TRUSTED_PROXY_HOPS", default=0)
    return hops


def mailer() -> dict[str, object]:
    """Return the default MAILERS entry: console unless EMAIL_URL is set.

    EMAIL_URL is e.g. `smtp+tls://user:password@smtp.example.com:587`, or
    `filemail:///tmp/mail` to write messages to files.
    """
    url: str | None = env.str("EMAIL_URL", default=None)
    if not url:
        # Prints the decoded text, links intact (config/console_email.py).
        return {"BACKEND": "config.console_email.EmailBackend"}
    parsed = environ.Env.email_url_config(url)
    if parsed["EMAIL_BACKEND"].endswith("filebased.EmailBackend"):
        # filemail:///var/mail/shop: one file per connection, for tests and demos.
        return {
            "BACKEND": parsed["EMAIL_BACKEND"],
            # django-environ drops the path's leading slash; paths are absolute.
            "OPTIONS": {"file_path": "/" + parsed["EMAIL_FILE_PATH"].lstrip("/")},
        }
    return {
        "BACKEND": parsed["EMAIL_BACKEND"],
        "OPTIONS": {
            "host": parsed.get("EMAIL_HOST", "localhost"),
            "port": parsed.get("EMAIL_PORT", 25),
            "username": parsed.get("EMAIL_HOST_USER", ""),
            "password": parsed.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": bool(parsed.get("EMAIL_USE_TLS", False)),
            "use_ssl": bool(parsed.get("EMAIL_USE_SSL", False)),
        },
    }


def default_from_email() -> str:
    """Return the sender of the shop's emails (DEFAULT_FROM_EMAIL)."""
    sender: str = env.str("DEFAULT_FROM_EMAIL", default="Fashionistar <shop@localhost>")
    return sender


TRUSTED_DOCUMENTS_MODES = ("off", "allow", "strict")


def graphql_trusted_documents() -> str:
    """Return GRAPHQL_TRUSTED_DOCUMENTS: off (default), allow or strict.

    docs/trusted-documents.md: `allow` runs any document and logs those not in
    the manifest; `strict` runs only the manifest's.
    """
    mode: str = env.str("GRAPHQL_TRUSTED_DOCUMENTS", default="off").strip().lower()
    if mode not in TRUSTED_DOCUMENTS_MODES:
        msg = f"GRAPHQL_TRUSTED_DOCUMENTS must be one of {', '.join(TRUSTED_DOCUMENTS_MODES)}."
        raise ImproperlyConfigured(msg)
    return mode


def graphql_trusted_documents_manifest() -> Path | None:
    """Return GRAPHQL_TRUSTED_DOCUMENTS_MANIFEST, a JSON file; relative to the project."""
    path: str = env.str("GRAPHQL_TRUSTED_DOCUMENTS_MANIFEST", default="")
    return BASE_DIR / path if path else None


def graphql_trusted_documents_exempt_staff() -> bool:
    """Return whether signed-in staff may run any document in strict mode (off)."""
    return bool(env.bool("GRAPHQL_TRUSTED_DOCUMENTS_EXEMPT_STAFF", default=False))


def account_require_verified_email() -> bool:
    """Return ACCOUNT_REQUIRE_VERIFIED_EMAIL: on by default.

    When on, only accounts with a verified email may reserve stock
    (orderCreate); when off, unverified accounts may, under a stricter cap.
    """
    return bool(env.bool("ACCOUNT_REQUIRE_VERIFIED_EMAIL", default=True))


def request_body_timeout() -> float:
    """Return seconds a request body may take before the min-rate grace (10).

    config/body_limit.py answers 408 to a body still arriving after this plus
    one second per REQUEST_BODY_MIN_RATE bytes received, at most
    REQUEST_BODY_TIMEOUT_MAX: slow-but-steady uploads finish, trickles do not.
    """
    seconds: float = env.float("REQUEST_BODY_TIMEOUT", default=10.0)
    return _positive("REQUEST_BODY_TIMEOUT", seconds)


def web_max_active_requests() -> int:
    """Return the requests one web process works on at once (8).

    Later ones wait in line (config/admission.py). About twice the pooled
    connections: enough to keep the cores and the pool busy, few enough that
    no request waits long for a connection (docs/decisions/0006).
    """
    count: int = env.int("WEB_MAX_ACTIVE_REQUESTS", default=8)
    return int(_positive("WEB_MAX_ACTIVE_REQUESTS", count))


def web_queue_max() -> int:
    """Return how many requests may wait for a slot per process (1000)."""
    count: int = env.int("WEB_QUEUE_MAX", default=1000)
    return int(_positive("WEB_QUEUE_MAX", count))


def web_queue_timeout() -> float:
    """Return seconds a request may wait for a slot before 503 OVERLOADED (30)."""
    seconds: float = env.float("WEB_QUEUE_TIMEOUT", default=30.0)
    return _positive("WEB_QUEUE_TIMEOUT", seconds)


def request_body_min_rate() -> int:
    """Return the bytes per second that earn a body one more second (500)."""
    rate: int = env.int("REQUEST_BODY_MIN_RATE", default=500)
    return int(_positive("REQUEST_BODY_MIN_RATE", rate))


def request_body_timeout_max() -> float:
    """Return the most seconds any request body may take to arrive (60)."""
    seconds: float = env.float("REQUEST_BODY_TIMEOUT_MAX", default=60.0)
    return _positive("REQUEST_BODY_TIMEOUT_MAX", seconds)


def _positive(name: str, value: float) -> float:
    if value <= 0:
        msg = f"{name} must be greater than 0."
        raise ImproperlyConfigured(msg)
    return value
