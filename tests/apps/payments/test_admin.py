"""Staff find flagged payments and kept events in the admin."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.payments.models import Payment
from tests.factories.accounts import UserFactory
from tests.factories.orders import placed_order
from tests.factories.payments import payment_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory.create(staff=True, is_superuser=True))
    return client


def test_flagged_payments_can_be_listed_alone(staff_client):
    flagged = payment_for(placed_order())
    Payment.objects.filter(pk=flagged.pk).update(flagged_reason="refused: amount")
    calm = payment_for(placed_order())

    response = staff_client.get(
        reverse("admin:payments_payment_changelist") + "?flagged=yes"
    )

    assert response.status_code == 200
    assert flagged.reference.encode() in response.content
    assert calm.reference.encode() not in response.content


def test_webhook_events_and_payments_are_read_only(staff_client):
    payment = payment_for(placed_order())

    assert staff_client.get(reverse("admin:payments_payment_add")).status_code == 403
    page = staff_client.get(reverse("admin:payments_payment_change", args=[payment.pk]))
    assert page.status_code == 200
    assert b'name="status"' not in page.content
    assert (
        staff_client.get(reverse("admin:payments_webhookevent_changelist")).status_code
        == 200
    )


def test_staff_refund_a_captured_payment_from_the_admin(
    staff_client, django_capture_on_commit_callbacks
):
    payment = payment_for(placed_order())
    Payment.objects.filter(pk=payment.pk).update(status="CAPTURED")
    pending = payment_for(placed_order())

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("admin:payments_payment_changelist"),
            {"action": "refund", "_selected_action": [payment.pk, pending.pk]},
            follow=True,
        )

    assert b"refund of" in response.content
    assert b"Only a captured payment can be refunded" in response.content
    assert payment.events.filter(note="refund requested").count() == 1
