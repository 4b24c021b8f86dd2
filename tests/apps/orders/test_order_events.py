from __future__ import annotations

import pytest
from django.db import transaction

from apps.orders import events


@pytest.fixture
def registry(monkeypatch):
    """The real registry, restored after the test (subscriptions are global)."""
    for event_type in (events.OrderCreated, events.OrderPaid, events.OrderRefunded):
        monkeypatch.setitem(
            events._HANDLERS, event_type, list(events._HANDLERS[event_type])
        )


@pytest.mark.django_db
@pytest.mark.usefixtures("registry")
def test_a_subscriber_runs_after_the_orders_own_handlers_in_the_transaction():
    seen: list[tuple[int, bool]] = []
    events.order_event_subscribe(
        events.OrderRefunded,
        lambda event: seen.append(
            (event.order_id, transaction.get_connection().in_atomic_block)
        ),
    )

    with transaction.atomic():
        events.order_refunded_publish(events.OrderRefunded(order_id=7, partial=True))

    assert seen == [(7, True)]


@pytest.mark.usefixtures("registry")
def test_subscribing_the_same_handler_twice_runs_it_once():
    def handler(event: events.OrderPaid) -> None:
        pass

    events.order_event_subscribe(events.OrderPaid, handler)
    events.order_event_subscribe(events.OrderPaid, handler)

    assert events.order_event_handlers(events.OrderPaid).count(handler) == 1
