"""Receiving a webhook: verify, store raw, enqueue processing; nothing else.

The response must come in milliseconds and must never say 2xx for an event
that was not stored: the event row and its processing job commit together,
and any failure before that commit is an error the provider retries.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.core.strict_json import StrictJSONError, decode_json_text
from apps.jobs.outbox import job_enqueue
from apps.payments import signatures, tasks
from apps.payments.errors import PayloadError
from apps.payments.models import Provider, WebhookEvent, WebhookStatus
from apps.payments.provider_events import Action, ProviderEvent, provider_event

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class Received:
    """What happened to a delivery, for the HTTP answer."""

    event_id: str
    duplicate: bool
    status: WebhookStatus


def webhook_receive(provider: Provider, body: bytes, signature: str | None) -> Received:
    """Verify and store one delivery, enqueueing its processing.

    Raises:
        SignatureError: not provably from the provider (store nothing).
        PayloadError: signed, but not an event we can even name.
    """
    _verify(provider, body, signature)
    try:
        payload = decode_json_text(body.decode("utf-8"))
    except (UnicodeDecodeError, StrictJSONError) as error:
        raise PayloadError(f"The body is not valid JSON: {error}") from None
    status = WebhookStatus.RECEIVED
    note = ""
    try:
        event = provider_event(provider, payload)
    except PayloadError as error:
        # Named but unreadable: keep it for staff and stop the retries, which
        # would bring the same bytes again.
        event = _named(provider, payload)
        status, note = WebhookStatus.INVALID, error.message[:200]
        logger.error(
            "unreadable payment event",
            extra={"event_id": event.event_id, "error": note},
        )
    if status == WebhookStatus.RECEIVED and event.action is Action.IGNORED:
        status = WebhookStatus.IGNORED
    return _store(event, body, payload, status=status, note=note)


def _verify(provider: Provider, body: bytes, signature: str | None) -> None:
    if provider == Provider.STRIPE:
        signatures.stripe_verify(
            body,
            signature,
            secrets=settings.STRIPE_WEBHOOK_SECRETS,
            tolerance=settings.STRIPE_WEBHOOK_TOLERANCE_SECONDS,
        )
    else:
        signatures.paystack_verify(body, signature, secret=settings.PAYSTACK_SECRET_KEY)


def _named(provider: Provider, payload: object) -> ProviderEvent:
    """The event's id and type when the rest is unreadable, else PayloadError."""
    if not isinstance(payload, dict):
        raise PayloadError("The body is not a JSON object.")
    if provider == Provider.STRIPE:
        event_id, event_type = payload.get("id"), payload.get("type")
    else:
        data = payload.get("data")
        event_type = payload.get("event")
        object_id = data.get("id") if isinstance(data, dict) else None
        event_id = f"{event_type}:{object_id}" if object_id not in (None, "") else None
    if not isinstance(event_id, str) or not isinstance(event_type, str):
        raise PayloadError("The event has no id or type.")
    return ProviderEvent(
        provider=provider,
        event_id=event_id[:200],
        event_type=event_type[:100],
        action=Action.IGNORED,
    )


def _store(
    event: ProviderEvent,
    body: bytes,
    payload: object,
    *,
    status: WebhookStatus,
    note: str,
) -> Received:
    try:
        with transaction.atomic():
            row = WebhookEvent.objects.create(
                provider=event.provider,
                event_id=event.event_id,
                event_type=event.event_type,
                body=body.decode("utf-8"),
                payload=payload,
                status=status,
                reference=event.reference,
                note=note,
                received_at=timezone.now(),
            )
            if status == WebhookStatus.RECEIVED:
                job_enqueue(
                    tasks.webhook_event_process_task,
                    key=f"webhook:{row.pk}",
                    webhook_event_id=row.pk,
                )
    except IntegrityError:
        first = WebhookEvent.objects.filter(
            provider=event.provider, event_id=event.event_id
        ).first()
        if first is None:  # not a duplicate: another constraint failed
            raise
        return Received(
            event_id=event.event_id, duplicate=True, status=WebhookStatus(first.status)
        )
    return Received(event_id=event.event_id, duplicate=False, status=status)
