"""Deployment checks: payments cannot work without their secrets."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def payment_secrets_check(**kwargs: Any) -> list[Warning]:
    """Warn (`check --deploy`) when webhooks would refuse every event."""
    problems = []
    if not settings.STRIPE_WEBHOOK_SECRETS:
        problems.append(
            Warning(
                "STRIPE_WEBHOOK_SECRET is not set: /webhooks/stripe/ refuses every event.",
                id="payments.W001",
            )
        )
    if not settings.PAYSTACK_SECRET_KEY:
        problems.append(
            Warning(
                "PAYSTACK_SECRET_KEY is not set: /webhooks/paystack/ refuses every event.",
                id="payments.W002",
            )
        )
    if settings.PAYMENTS_ADAPTER == "live" and not settings.STRIPE_SECRET_KEY:
        problems.append(
            Warning(
                "STRIPE_SECRET_KEY is not set: paymentInitialize cannot reach Stripe.",
                id="payments.W003",
            )
        )
    return problems
