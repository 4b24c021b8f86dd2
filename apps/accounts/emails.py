"""Account emails: rendered from templates, and sent at most once per key."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from django.core import mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from apps.accounts.models import SentEmail, User


def templated(name: str, context: Mapping[str, Any], *, to: str) -> mail.EmailMessage:
    """The email `accounts/email/<name>`: subject, text and HTML templates."""
    prefix = f"accounts/email/{name}"
    message = mail.EmailMultiAlternatives(
        subject=render_to_string(f"{prefix}_subject.txt", context).strip(),
        body=render_to_string(f"{prefix}.txt", context),
        to=[to],
    )
    message.attach_alternative(render_to_string(f"{prefix}.html", context), "text/html")
    return message


def send_once(
    key: str,
    user: User,
    message: Callable[[], mail.EmailMessage],
    *,
    now: datetime | None = None,
) -> bool:
    """Send `message()` unless an email under `key` was sent; whether it left.

    The send is recorded (SentEmail) before the message leaves, under a unique
    key, so a task that runs twice sends one email; if sending fails the
    record is removed again and a retry can send.
    """
    try:
        with transaction.atomic():
            record = SentEmail.objects.create(
                key=key, user=user, created_at=timezone.now()
            )
    except IntegrityError:
        return False
    try:
        message().send()
    except Exception:
        record.delete()
        raise
    return True
