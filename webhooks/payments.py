"""Payment-provider webhooks: verify, store, enqueue, answer in milliseconds.

Answers, by case (the providers retry anything but a 2xx):

* 200 `accepted`: verified and stored; processing is queued.
* 200 `duplicate`: this event id was stored before; nothing changes.
* 200 `ignored`: verified, stored, of a type we do not act on.
* 200 `invalid`: verified and stored, but its fields are unreadable (kept for
  staff; a retry would send the same bytes).
* 400: bad, missing or stale signature, or a signed body that is not a
  JSON event at all. Nothing is stored.
* 413: a body larger than any real event.
* 503 with Retry-After: the database is unavailable; the provider retries.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, Literal

from asgiref.sync import sync_to_async
from django.conf import settings
from django.http import HttpRequest, JsonResponse
from ninja import Router, Schema

from apps.core import metrics
from apps.core.availability import (
    RETRY_AFTER_SECONDS,
    is_database_unavailable,
    log_unavailable,
)
from apps.payments import providers, services
from apps.payments.errors import PayloadError, SignatureError
from apps.payments.models import Provider, WebhookStatus

logger = logging.getLogger("fashionistar.webhooks")
router = Router(tags=["payment webhooks"])


class Accepted(Schema):
    status: Literal["accepted", "duplicate", "ignored", "invalid"]
    event_id: str


class ErrorDetail(Schema):
    code: Literal[
        "INVALID_SIGNATURE",
        "INVALID_PAYLOAD",
        "PAYLOAD_TOO_LARGE",
        "SERVICE_UNAVAILABLE",
    ]
    message: str


class Refusal(Schema):
    error: ErrorDetail


# 413 is described by hand (below), since two layers give it: this endpoint
# over WEBHOOK_MAX_BODY_BYTES, and config/body_limit.py (in front of Django,
# GraphQL-shaped) over MAX_REQUEST_BODY_BYTES.
_RESPONSES = {200: Accepted, 400: Refusal, 503: Refusal}
_CAPPED_BODY = {
    "type": "object",
    "required": ["errors"],
    "properties": {
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["message", "extensions"],
                "properties": {
                    "message": {"type": "string"},
                    "extensions": {
                        "type": "object",
                        "required": ["code"],
                        "properties": {"code": {"const": "PAYLOAD_TOO_LARGE"}},
                    },
                },
            },
        }
    },
}


def _openapi(header: str, signature: str) -> dict[str, Any]:
    """What Ninja cannot see: the raw body, the signature header, all answers.

    The body is read raw (the signature covers those exact bytes), so no
    parameter or body schema reaches Ninja from the view's signature.
    """
    return {
        "parameters": [
            {
                "name": header,
                "in": "header",
                "required": True,
                "description": signature,
                "schema": {"type": "string"},
            }
        ],
        "requestBody": {
            "required": True,
            "description": (
                "The provider's event: raw JSON bytes (UTF-8), at most "
                "WEBHOOK_MAX_BODY_BYTES (256 KiB). The signature is checked "
                "over these exact bytes, never re-serialised JSON."
            ),
            "content": {"application/json": {"schema": {"type": "object"}}},
        },
        "responses": {
            "200": {
                "description": (
                    "Verified and stored (`accepted`, `ignored` for a type not "
                    "acted on, `invalid` when its fields cannot be read), or "
                    "stored before (`duplicate`). The provider stops retrying."
                )
            },
            "400": {
                "description": (
                    "INVALID_SIGNATURE (missing, malformed, wrong or stale "
                    "signature; no secret configured) or INVALID_PAYLOAD "
                    "(signed, but not a JSON event). Nothing is stored."
                )
            },
            "413": {
                "description": "The body is larger than any event; not stored.",
                "content": {
                    "application/json": {
                        "schema": {
                            "oneOf": [
                                {"$ref": "#/components/schemas/Refusal"},
                                _CAPPED_BODY,
                            ]
                        }
                    }
                },
            },
            "503": {
                "description": (
                    "SERVICE_UNAVAILABLE: the database is unavailable and the "
                    "event was not stored; the provider retries later."
                ),
                "headers": {
                    "Retry-After": {
                        "description": "Seconds to wait before retrying.",
                        "required": True,
                        "schema": {"type": "string", "pattern": "^[0-9]+$"},
                    }
                },
            },
        },
    }


_STATUS_WORDS = {
    WebhookStatus.IGNORED: "ignored",
    WebhookStatus.INVALID: "invalid",
}


@router.post(
    "/stripe/",
    response=_RESPONSES,
    summary="Stripe events",
    description=(
        "Stripe posts events here, signed in `Stripe-Signature` with the "
        "endpoint's secret (`STRIPE_WEBHOOK_SECRET`, several comma-separated "
        "during a rotation; 300 s tolerance). Handled: "
        "`payment_intent.succeeded`, `payment_intent.payment_failed`, "
        "`payment_intent.amount_capturable_updated`, `charge.refunded`."
    ),
    openapi_extra=_openapi(
        providers.get(Provider.STRIPE).signature_header,
        '`t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">` (one v1 '
        "per active secret), as Stripe sends it.",
    ),
)
async def stripe_webhook(request: HttpRequest) -> JsonResponse:
    return await _receive(request, Provider.STRIPE)


@router.post(
    "/paystack/",
    response=_RESPONSES,
    summary="Paystack events",
    description=(
        "Paystack posts events here, signed in `x-paystack-signature` "
        "(HMAC-SHA512 of the body with `PAYSTACK_SECRET_KEY`). Handled: "
        "`charge.success`, `refund.processed`."
    ),
    openapi_extra=_openapi(
        providers.get(Provider.PAYSTACK).signature_header,
        "Hex HMAC-SHA512 of the raw body with PAYSTACK_SECRET_KEY.",
    ),
)
async def paystack_webhook(request: HttpRequest) -> JsonResponse:
    return await _receive(request, Provider.PAYSTACK)


async def _receive(request: HttpRequest, provider: Provider) -> JsonResponse:
    signature = request.headers.get(providers.get(provider).signature_header)
    body = request.body
    if len(body) > settings.WEBHOOK_MAX_BODY_BYTES:
        _count(provider, "too_large")
        return _refusal(413, "PAYLOAD_TOO_LARGE", "The body is larger than any event.")
    try:
        received = await sync_to_async(services.webhook_receive)(
            provider, body, signature
        )
    except SignatureError as error:
        _count(provider, "refused")
        _refusals.log(provider, error.message)
        return _refusal(400, str(error.code), error.message)
    except PayloadError as error:
        _count(provider, "refused")
        _refusals.log(provider, error.message)
        return _refusal(400, str(error.code), error.message)
    except Exception as error:
        if not is_database_unavailable(error):
            raise
        log_unavailable(error, where=f"webhooks.{provider}")
        _count(provider, "unavailable")
        response = _refusal(503, "SERVICE_UNAVAILABLE", "Not stored; retry shortly.")
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    word = (
        "duplicate"
        if received.duplicate
        else _STATUS_WORDS.get(received.status, "accepted")
    )
    _count(provider, word)
    return JsonResponse({"status": word, "event_id": received.event_id})


def _count(provider: Provider, result: str) -> None:
    metrics.webhooks_received.labels(str(provider), result).inc()


def _refusal(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


class _RateLimitedLog:
    """One warning per provider per interval, counting the ones left out.

    Anyone can post garbage to a public URL: a flood of refusals must not
    become a flood of log lines.
    """

    def __init__(self, interval: float = 10.0) -> None:
        self._interval = interval
        self._next: dict[str, float] = {}
        self._suppressed: dict[str, int] = {}
        self._lock = threading.Lock()

    def log(self, provider: str, reason: str) -> None:
        now = time.monotonic()
        with self._lock:
            if now < self._next.get(provider, 0.0):
                self._suppressed[provider] = self._suppressed.get(provider, 0) + 1
                return
            self._next[provider] = now + self._interval
            suppressed = self._suppressed.pop(provider, 0)
        logger.warning(
            "webhook refused",
            extra={
                "provider": provider,
                "reason": reason,
                "suppressed_since_last": suppressed,
            },
        )


_refusals = _RateLimitedLog()
