from __future__ import annotations

import pytest

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

    assert config["ENGINE"] == "django.db.backends.postgresql"
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

    assert env.mailer() == {"BACKEND": "django.core.mail.backends.console.EmailBackend"}


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
