"""Calls to the payment providers' APIs are client spans, from the real adapters.

A separate process (tracing is configured once per process, at start) runs
the live Stripe adapter (the stripe library, over requests) and the live
Paystack adapter (httpx) against a local stand-in of their APIs, exporting
to a real OTLP receiver.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from tests.support.live_server import ROOT
from tests.support.otlp import CLIENT, otlp_receiver, tracing_environment
from tests.support.provider_api import running_provider_api
from tests.support.workers import job_environment

pytestmark = [pytest.mark.system, pytest.mark.slow]

SCRIPT = textwrap.dedent(
    """
    import os
    from decimal import Decimal

    import django

    django.setup()
    from django.conf import settings

    settings.PAYMENTS_ADAPTER = "live"
    settings.STRIPE_API_BASE = settings.PAYSTACK_API_BASE = os.environ["STANDIN"]
    settings.STRIPE_SECRET_KEY = settings.PAYSTACK_SECRET_KEY = "sk_test_standin"

    from apps.payments import providers
    from apps.payments.models import Provider
    from apps.payments.providers.base import StartRequest

    for provider in (Provider.STRIPE, Provider.PAYSTACK):
        providers.get(provider).start(
            StartRequest(
                provider=provider,
                amount=Decimal("49.99"),
                currency="USD",
                email="ada@example.com",
                order_number="FS-AAAAA-BBBBB",
                idempotency_key=f"trace-{provider}",
            )
        )
    """
)


def test_each_provider_call_is_a_client_span_with_its_method_and_address(
    transactional_db,
):
    with running_provider_api() as api, otlp_receiver() as receiver:
        env = job_environment(**tracing_environment(receiver), STANDIN=api.url)
        done = subprocess.run(
            [sys.executable, "-c", SCRIPT],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        spans = receiver.wait_for(
            lambda spans: (
                len(
                    [
                        s
                        for s in spans
                        if s.kind == CLIENT and "http" in str(s.attributes)
                    ]
                )
                >= 2
            )
        )

    calls = [s for s in spans if s.kind == CLIENT and s.name.startswith("POST")]
    by_scope = {
        s.scope: str(s.attributes.get("url.full") or s.attributes.get("http.url"))
        for s in calls
    }
    stripe = by_scope["opentelemetry.instrumentation.requests"]
    paystack = by_scope["opentelemetry.instrumentation.httpx"]
    assert stripe.startswith(api.url)
    assert stripe.endswith("/v1/payment_intents")
    assert paystack.startswith(api.url)
    assert paystack.endswith("/transaction/initialize")
