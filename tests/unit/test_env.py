from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from config import env


def test_sqlite_file_is_the_default_database(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)

    config = env.database(pool_min=1, pool_max=2)

    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert str(config["NAME"]).endswith("db.sqlite3")


def test_postgres_gets_a_connection_pool_sized_from_the_environment(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://shop:pw@db.internal:5432/shop")
    monkeypatch.setenv("DB_POOL_MAX_SIZE", "12")

    config = env.database(pool_min=2, pool_max=8)

    assert config["ENGINE"] == "config.postgresql"
    assert config["OPTIONS"]["pool"] == {"min_size": 2, "max_size": 12, "timeout": 2.0}  # type: ignore[index]
    assert config["CONN_MAX_AGE"] == 0


def test_redis_is_optional(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)

    assert env.redis_url() is None


@pytest.mark.parametrize(
    ("value", "expected"), [("false", False), ("0", False), ("true", True)]
)
def test_debug_reads_common_boolean_spellings(monkeypatch, value, expected):
    monkeypatch.setenv("DEBUG", value)

    assert env.debug() is expected


def test_allowed_hosts_is_a_comma_separated_list(monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", "a.example.com,b.example.com")

    assert env.allowed_hosts() == ["a.example.com", "b.example.com"]


def test_email_goes_to_the_console_without_an_email_url(monkeypatch):
    monkeypatch.delenv("EMAIL_URL", raising=False)

    assert env.mailer() == {"BACKEND": "config.console_email.EmailBackend"}


def test_an_email_url_configures_smtp(monkeypatch):
    monkeypatch.setenv("EMAIL_URL", "smtp+tls://shop:secret@smtp.example.com:587")

    mailer = env.mailer()

    assert mailer["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert mailer["OPTIONS"] == {
        "host": "smtp.example.com",
        "port": 587,
        "username": "shop",
        "password": "secret",
        "use_tls": True,
        "use_ssl": False,
    }


def test_sqlite_waits_for_the_write_lock_instead_of_failing(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)

    options = env.database(pool_min=1, pool_max=1)["OPTIONS"]
    assert isinstance(options, dict)

    assert options["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in options["init_command"]


def test_a_filemail_url_writes_messages_to_files(monkeypatch):
    monkeypatch.setenv("EMAIL_URL", "filemail:///var/mail/shop")

    assert env.mailer() == {
        "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "OPTIONS": {"file_path": "/var/mail/shop"},
    }


def test_the_task_backend_follows_redis_url(monkeypatch):
    monkeypatch.delenv("TASKS_BACKEND", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert env.tasks_backend() == "database"

    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    assert env.tasks_backend() == "redis"


def test_an_unknown_task_backend_is_refused(monkeypatch):
    monkeypatch.setenv("TASKS_BACKEND", "celery")

    with pytest.raises(ImproperlyConfigured, match="TASKS_BACKEND"):
        env.tasks_backend()


def test_the_shop_time_zone_must_be_an_iana_name(monkeypatch):
    monkeypatch.setenv("SHOP_TIME_ZONE", "Mars/Olympus")

    with pytest.raises(ImproperlyConfigured, match="SHOP_TIME_ZONE"):
        env.shop_time_zone()


@pytest.mark.parametrize(
    ("host", "port", "expected"),
    [
        (None, None, "http://127.0.0.1:8000"),
        ("localhost", "9000", "http://localhost:9000"),
        ("0.0.0.0", "8080", "http://127.0.0.1:8080"),  # noqa: S104
        ("::1", "8000", "http://[::1]:8000"),
    ],
    ids=["default_case", "named_case", "wildcard_case", "ipv6_case"],
)
def test_the_server_url_follows_host_and_port(monkeypatch, host, port, expected):
    for name, value in (("HOST", host), ("PORT", port)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)

    assert env.server_url() == expected


def test_cors_origins_default_to_a_local_storefront_in_debug(monkeypatch):
    monkeypatch.setenv("DEBUG", "true")
    monkeypatch.delenv("CORS_ALLOWED_ORIGINS", raising=False)

    assert env.cors_allowed_origins() == [
        "http://localhost:3000",
        "http://127.0.0.1:3000",
    ]


def test_cors_origins_have_no_default_in_production(monkeypatch):
    monkeypatch.setenv("DEBUG", "false")
    monkeypatch.delenv("CORS_ALLOWED_ORIGINS", raising=False)

    assert env.cors_allowed_origins() == []


def test_cors_origins_are_a_comma_separated_list(monkeypatch):
    monkeypatch.setenv(
        "CORS_ALLOWED_ORIGINS", "https://shop.example.com, https://m.example.com"
    )

    assert env.cors_allowed_origins() == [
        "https://shop.example.com",
        "https://m.example.com",
    ]


@pytest.mark.parametrize("debug", ["true", "false"])
def test_cors_refuses_the_wildcard_origin(monkeypatch, debug):
    monkeypatch.setenv("DEBUG", debug)
    monkeypatch.setenv("CORS_ALLOWED_ORIGINS", "https://shop.example.com,*")

    with pytest.raises(ImproperlyConfigured, match="wildcard"):
        env.cors_allowed_origins()


@pytest.mark.parametrize("origin", ["shop.example.com", "https://shop.example.com/"])
def test_cors_refuses_what_is_not_an_origin(monkeypatch, origin):
    monkeypatch.setenv("CORS_ALLOWED_ORIGINS", origin)

    with pytest.raises(ImproperlyConfigured, match="is not an origin"):
        env.cors_allowed_origins()


def test_a_missing_postgres_database_is_explained_with_the_command_to_create_it():
    from config.postgresql.base import explain

    message = explain(
        'connection failed: connection to server at "db", port 5433 failed: '
        'FATAL:  database "shop" does not exist',
        {"dbname": "shop", "host": "db", "port": 5433, "user": "app"},
    )

    assert message.startswith(
        'The PostgreSQL database "shop" (DATABASE_URL) does not exist on db:5433.'
    )
    assert "`createdb -h db -p 5433 -U app shop`" in message


def test_another_connection_failure_keeps_libpqs_reason():
    from config.postgresql.base import explain

    message = explain(
        'connection failed: connection to server at "db", port 5432 failed: '
        "Connection refused\n\tIs the server running on that host?",
        {"dbname": "shop", "host": "db"},
    )

    assert message == (
        'Cannot connect to the PostgreSQL database "shop" (DATABASE_URL) on db:5432: '
        'connection failed: connection to server at "db", port 5432 failed: '
        "Connection refused Is the server running on that host?"
    )


def test_verified_email_is_required_for_orders_by_default(monkeypatch):
    monkeypatch.delenv("ACCOUNT_REQUIRE_VERIFIED_EMAIL", raising=False)

    assert env.account_require_verified_email() is True


@pytest.mark.parametrize("value", ["off", "false", "0"])
def test_verified_email_requirement_can_be_switched_off(monkeypatch, value):
    monkeypatch.setenv("ACCOUNT_REQUIRE_VERIFIED_EMAIL", value)

    assert env.account_require_verified_email() is False


@pytest.mark.parametrize(
    ("name", "reader"),
    [
        ("REQUEST_BODY_TIMEOUT", env.request_body_timeout),
        ("REQUEST_BODY_MIN_RATE", env.request_body_min_rate),
        ("REQUEST_BODY_TIMEOUT_MAX", env.request_body_timeout_max),
    ],
)
def test_a_request_body_deadline_of_zero_is_refused(monkeypatch, name, reader):
    monkeypatch.setenv(name, "0")

    with pytest.raises(ImproperlyConfigured, match=name):
        reader()


def test_behind_pgbouncer_nothing_outlives_a_transaction(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://shop@pgbouncer:6432/shop")
    monkeypatch.setenv("DATABASE_POOLER", "pgbouncer")

    config = env.database(pool_min=2, pool_max=8)

    assert config["DISABLE_SERVER_SIDE_CURSORS"] is True
    assert config["OPTIONS"]["prepare_threshold"] is None  # type: ignore[index]
    assert config["OPTIONS"]["pool"]["max_size"] == 8  # type: ignore[index]


def test_direct_connections_keep_server_side_cursors(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://shop@db:5432/shop")
    monkeypatch.delenv("DATABASE_POOLER", raising=False)

    config = env.database(pool_min=2, pool_max=8)

    assert "DISABLE_SERVER_SIDE_CURSORS" not in config


def test_an_unknown_pooler_is_refused_with_the_known_ones(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://shop@db:5432/shop")
    monkeypatch.setenv("DATABASE_POOLER", "pgpool")

    with pytest.raises(ImproperlyConfigured, match=r"pgpool.*pgbouncer"):
        env.database(pool_min=2, pool_max=8)


def test_sentinels_and_a_master_name_make_a_sentinel_address(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("REDIS_SENTINELS", "s1:26379, s2:26379,s3:26379")
    monkeypatch.setenv("REDIS_SENTINEL_MASTER", "fashionistar")

    assert env.redis_url() == "redis+sentinel://s1:26379,s2:26379,s3:26379/fashionistar"


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"REDIS_SENTINELS": "s1:26379"}, "go together"),
        ({"REDIS_SENTINEL_MASTER": "fashionistar"}, "go together"),
        (
            {"REDIS_SENTINELS": "s1", "REDIS_SENTINEL_MASTER": "fashionistar"},
            "'s1' is not host:port",
        ),
        (
            {
                "REDIS_SENTINELS": "s1:26379",
                "REDIS_SENTINEL_MASTER": "fashionistar",
                "REDIS_URL": "redis://r:6379/0",
            },
            "not both",
        ),
    ],
    ids=["no_master", "no_sentinels", "no_port", "and_a_url"],
)
def test_a_sentinel_setting_that_cannot_work_is_refused(
    monkeypatch, variables, message
):
    for name in ("REDIS_URL", "REDIS_SENTINELS", "REDIS_SENTINEL_MASTER"):
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)

    with pytest.raises(ImproperlyConfigured, match=message):
        env.redis_url()
