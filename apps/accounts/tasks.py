"""Account background work. Tasks reload by id and call a service."""

from __future__ import annotations

from django.tasks import task

from apps.accounts import services
from apps.core.request_context import bind_request_id, reset_request_id


@task
def account_verification_email_send_task(
    *, user_id: int, request_id: str | None = None
) -> bool:
    """Send the verification email of user `user_id` unless already sent.

    Returns whether an email left; a rerun is a no-op (see
    services.verification_email_send).
    """
    bound = bind_request_id(request_id)
    try:
        return services.verification_email_send(user_id=user_id)
    finally:
        reset_request_id(bound)
