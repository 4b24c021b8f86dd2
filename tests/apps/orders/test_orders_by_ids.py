from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from apps.orders import selectors
from tests.factories.orders import customer, placed_order, staff


@pytest.mark.django_db
def test_a_customer_gets_only_their_own_orders_by_id():
    buyer = customer()
    own = placed_order(buyer=buyer)
    other = placed_order()

    found = selectors.orders_by_ids(viewer=buyer, ids=[own.pk, other.pk, 999_999])

    assert list(found) == [own.pk]
    assert found[own.pk].number == own.number


@pytest.mark.django_db
def test_staff_get_any_order_by_id_and_anonymous_none():
    first, second = placed_order(), placed_order()

    by_staff = selectors.orders_by_ids(viewer=staff(), ids=[first.pk, second.pk])
    by_anonymous = selectors.orders_by_ids(
        viewer=AnonymousUser(), ids=[first.pk, second.pk]
    )

    assert set(by_staff) == {first.pk, second.pk}
    assert by_anonymous == {}
