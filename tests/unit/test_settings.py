"""Production configuration: refuses unsafe values, passes Django's deploy checks."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "STRIPE_WEBHOOK_SECRET",
            "STRIPE_SECRET_KEY",
            "PAYSTACK_SECRET_KEY",
        }
    }
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def production() -> dict[str, str]:
    """The least a production process is given: DEBUG off, a real key, a host."""
    return {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "api.example.com",
    }


def test_refuses_to_start_without_debug_on_the_development_secret_key():
    result = manage("check", DEBUG="false", ALLOWED_HOSTS="api.example.com")

    assert result.returncode != 0
    assert (
        "SECRET_KEY must be set to a secret value when DEBUG is off." in result.stderr
    )


def test_production_settings_pass_the_deploy_checks():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **production(),
        EMAIL_URL="smtp+tls://shop:secret@smtp.example.com:587",
        STRIPE_WEBHOOK_SECRET="whsec_" + secrets.token_hex(16),
        STRIPE_SECRET_KEY="sk_live_" + secrets.token_hex(16),
        PAYSTACK_SECRET_KEY="sk_live_" + secrets.token_hex(16),
    )

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_the_deploy_checks_name_missing_payment_secrets():
    result = manage(
        "check",
        "--deploy",
        **production(),
        EMAIL_URL="smtp+tls://shop:secret@smtp.example.com:587",
    )

    for check in ("payments.W001", "payments.W002", "payments.W003"):
        assert check in result.stderr


def test_production_turns_off_introspection_and_graphiql_by_default():
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.GRAPHQL_INTROSPECTION, settings.GRAPHQL_IDE)",
        **production(),
    )

    assert result.stdout.split() == ["False", "False"]


def test_production_refuses_a_wildcard_cors_origin():
    result = manage(
        "check",
        "--deploy",
        **production(),
        CORS_ALLOWED_ORIGINS="*",
    )

    assert result.returncode != 0
    assert "the wildcard * is refused" in result.stderr


def test_the_deploy_checks_refuse_printing_emails_to_the_console():
    result = manage(
        "check",
        "--deploy",
        **production(),
    )

    assert result.returncode != 0
    assert "config.E001" in result.stderr
    assert "EMAIL_URL" in result.stderr
