"""Receiving a webhook: verify, store raw, enqueue processing; nothing else.

The response must come in milliseconds and must never say 2xx for an event
that was not stored: the event row and its processing job commit together,
and any failure before that commit is an error the provider retries.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.core.strict_json import StrictJSONError, decode_json_text
from apps.jobs.outbox import job_enqueue
from apps.payments import providers, tasks
from apps.payments.errors import PayloadError
from apps.payments.models import Provider, WebhookEvent, WebhookStatus
from apps.payments.providers.base import Action, ProviderEvent

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
    module = providers.get(provider)
    module.verify(body, signature)
    try:
        payload = decode_json_text(body.decode("utf-8"))
    except (UnicodeDecodeError, StrictJSONError) as error:
        raise PayloadError(f"The body is not valid JSON: {error}") from None
    status = WebhookStatus.RECEIVED
    note = ""
    try:
        event = module.parse(payload)
    except PayloadError as error:
        # Named but unreadable: keep it for staff and stop the retries, which
        # would bring the same bytes again.
        event = module.name(payload)
        status, note = WebhookStatus.INVALID, error.message[:200]
        logger.error(
            "unreadable payment event",
            extra={"event_id": event.event_id, "error": note},
        )
    if status == WebhookStatus.RECEIVED and event.action is Action.IGNORED:
        status = WebhookStatus.IGNORED
    return _store(event, body, payload, status=status, note=note)


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
