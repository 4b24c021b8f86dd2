"""Account background work. Tasks reload by id and call a service."""

from __future__ import annotations

from django.tasks import task
from django.utils import timezone

from apps.accounts import services


@task(queue_name="emails")
def account_verification_email_send_task(
    *, user_id: int, requested: int | None = None
) -> bool:
    """Send the verification email of user `user_id` unless already sent.

    `requested` marks a resend the user asked for. Returns whether an email
    left; a rerun is a no-op (see services.verification_email_send).
    """
    return services.verification_email_send(user_id=user_id, requested=requested)


@task(queue_name="emails")
def password_reset_email_send_task(*, user_id: int, requested: int) -> bool:
    """Send the reset email of one request unless already sent; whether it left."""
    return services.password_reset_email_send(user_id=user_id, requested=requested)


@task(queue_name="analytics")
def tokens_purge_task() -> int:
    """Delete API tokens that expired; return how many."""
    return services.tokens_expired_purge(now=timezone.now())
