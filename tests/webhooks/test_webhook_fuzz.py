"""Whatever arrives at the webhook endpoints, the answer is never a 5xx.

Hypothesis generates bodies and headers: arbitrary bytes and signatures, and
JSON of any shape signed with the real secret, so the parser behind the
signature check is exercised too.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.payments.models import Provider
from apps.payments.providers.simulated import signed
from tests.factories.payments import PAYSTACK_SECRET, STRIPE_SECRET

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)
# Event-like objects: the keys the parsers look for, with values of any kind.
events = st.fixed_dictionaries(
    {},
    optional={
        "id": json_values,
        "type": st.sampled_from(["payment_intent.succeeded", "charge.refunded", "x"])
        | json_values,
        "event": st.sampled_from(["charge.success", "refund.processed"]) | json_values,
        "data": st.fixed_dictionaries(
            {},
            optional={
                "id": json_values,
                "object": json_values,
                "reference": json_values,
                "amount": json_values,
                "currency": json_values,
            },
        ),
    },
)


def _post(client, provider: str, body: bytes, headers: dict[str, str]):
    return client.post(
        f"/webhooks/{provider}/",
        data=body,
        content_type="application/json",
        headers=headers,
    )


@FUZZ
@given(body=st.binary(max_size=2000), signature=st.text(max_size=200))
@pytest.mark.parametrize("provider", ["stripe", "paystack"])
def test_unsigned_garbage_never_gets_a_5xx(client, provider, body, signature):
    header = "Stripe-Signature" if provider == "stripe" else "x-paystack-signature"
    safe = signature.encode("latin-1", "ignore").decode("latin-1")  # HTTP header octets

    response = _post(client, provider, body, {header: safe})

    assert response.status_code < 500


@FUZZ
@given(payload=events | json_values)
@pytest.mark.parametrize("provider", [Provider.STRIPE, Provider.PAYSTACK])
def test_correctly_signed_json_of_any_shape_never_gets_a_5xx(client, provider, payload):
    secret = STRIPE_SECRET if provider == Provider.STRIPE else PAYSTACK_SECRET
    body, headers = signed(provider, json.dumps(payload), secret=secret)

    response = _post(client, str(provider), body, headers)

    assert response.status_code < 500, response.content
