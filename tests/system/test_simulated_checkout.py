"""The simulated provider's checkout page, end to end over HTTP on the real server.

The server computes the checkout URL from its own HOST/PORT (set by
live_server), so following the URL paymentInitialize returns proves both.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import httpx
import pytest
from django.db import connection
from strawberry import relay

from apps.orders.status import OrderStatus
from apps.payments.models import Payment, PaymentStatus
from tests.factories.accounts import UserFactory, signed_in
from tests.factories.orders import buyer_of, placed_order
from tests.support.live_server import ROOT, database_url, live_server

pytestmark = [pytest.mark.system, pytest.mark.slow]

INITIALIZE = """
mutation ($orderId: ID!, $provider: PaymentProvider!) {
  paymentInitialize(orderId: $orderId, provider: $provider) {
    payment { reference authorizationUrl }
    errors { code }
  }
}
"""


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), live_server() as running:
        yield running


@pytest.fixture(autouse=True)
def _server_log(server):
    with server.log_on_failure():
        yield


def start_payment(server, provider: str):
    order = placed_order(buyer=UserFactory.create())
    response = httpx.post(
        f"{server.url}/graphql/",
        json={
            "query": INITIALIZE,
            "variables": {
                "orderId": relay.to_base64("Order", order.pk),
                "provider": provider,
            },
        },
        headers={"Authorization": f"Bearer {signed_in(buyer_of(order)).access_token}"},
        timeout=15,
    )
    result = response.json()["data"]["paymentInitialize"]
    assert result["errors"] == []
    return order, result["payment"]


def test_the_paystack_checkout_url_serves_a_page_that_pays_the_order(
    transactional_db, server
):
    order, started = start_payment(server, "PAYSTACK")
    url = started["authorizationUrl"]
    assert url == (f"{server.url}/simulated-checkout/?reference={started['reference']}")

    page = httpx.get(url, timeout=15)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert order.number in page.text
    buttons = re.findall(r'name="outcome" value="(\w+)"', page.text)
    assert buttons == ["succeeded"]  # Paystack sends no failure event

    done = httpx.post(
        url,
        data={"reference": started["reference"], "outcome": "succeeded"},
        timeout=15,
    )

    assert done.status_code == 200, done.text
    assert "charge.success" in done.text
    assert "answered 200" in done.text
    payment = Payment.objects.get(reference=started["reference"])
    order.refresh_from_db()
    assert (payment.status, order.status) == (PaymentStatus.CAPTURED, OrderStatus.PAID)


def test_a_stripe_payment_can_be_declined_on_the_page(transactional_db, server):
    _, started = start_payment(server, "STRIPE")
    url = f"{server.url}/simulated-checkout/?reference={started['reference']}"

    page = httpx.get(url, timeout=15)
    declined = httpx.post(
        url, data={"reference": started["reference"], "outcome": "failed"}, timeout=15
    )

    assert re.findall(r'name="outcome" value="(\w+)"', page.text) == [
        "succeeded",
        "failed",
    ]
    assert declined.status_code == 200, declined.text
    payment = Payment.objects.get(reference=started["reference"])
    assert payment.status == PaymentStatus.FAILED


def test_an_unknown_reference_is_a_404_page(transactional_db, server):
    response = httpx.get(
        f"{server.url}/simulated-checkout/?reference=sim_nope", timeout=15
    )

    assert response.status_code == 404
    assert "No payment has this reference" in response.text


def test_payment_simulate_posts_to_host_and_port_by_default(transactional_db, server):
    _, started = start_payment(server, "STRIPE")
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url(connection.settings_dict),
        "HOST": server.host,
        "PORT": str(server.port),
    }

    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "payment_simulate",
            started["reference"],
            "succeeded",
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "payment_intent.succeeded -> 200" in result.stdout
    payment = Payment.objects.get(reference=started["reference"])
    assert payment.status == PaymentStatus.CAPTURED
