"""salesReport through /graphql/: staff only, exact, every bucket, constant cost."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from strawberry import relay

from apps.payments.models import Provider
from tests.apps.payments.test_processing import deliver
from tests.factories.accounts import UserFactory
from tests.factories.catalog import ProductFactory, stocked_variant
from tests.factories.orders import placed_order
from tests.factories.payments import payment_for
from tests.support.graphql import post, token
from tests.support.queries import assert_num_queries

pytestmark = pytest.mark.django_db

REPORT = """
query ($from: Date!, $to: Date!, $groupBy: ReportGrouping!, $currency: String, $category: ID) {
  salesReport(from: $from, to: $to, groupBy: $groupBy, currency: $currency, category: $category) {
    from to groupBy currency ordersCount grossRevenue refunds netRevenue averageOrderValue unitsSold
    series { bucket ordersCount grossRevenue netRevenue unitsSold }
    topProducts { product { name } productName unitsSold revenue }
    topVariants { productName size colour unitsSold revenue }
    topCategories { category { name } revenue }
  }
}
"""
DAY_ONE = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)  # a Monday


def _sell(
    variant, quantity: int, when: datetime, capture, *, refund: Decimal | None = None
):
    with time_machine.travel(when, tick=False), capture(execute=True):
        payment = payment_for(
            placed_order(buyer=UserFactory.create(), items=[(variant, quantity)]),
            provider=Provider.PAYSTACK,
        )
        deliver(payment, "charge.success")
        if refund is not None:
            deliver(payment, "refund.processed", amount=refund)
    return payment


def _report(client, bearer: str, **variables):
    return post(
        client,
        REPORT,
        {"groupBy": "DAY", "currency": "USD", **variables},
        bearer=bearer,
    )


@pytest.fixture
def staff() -> str:
    return token(UserFactory.create(staff=True))


def test_a_staff_report_adds_up_to_the_cent_with_every_bucket(
    gql_client, staff, settings, django_capture_on_commit_callbacks
):
    settings.SHOP_TIME_ZONE = "UTC"
    dress = stocked_variant(
        on_hand=50,
        product=ProductFactory.create(name="Linen dress", base_price="49.90"),
    )
    scarf = stocked_variant(
        on_hand=50, product=ProductFactory.create(name="Silk scarf", base_price="19.95")
    )
    a = _sell(dress, 2, DAY_ONE, django_capture_on_commit_callbacks)
    b = _sell(
        scarf,
        1,
        DAY_ONE + timedelta(days=2),
        django_capture_on_commit_callbacks,
        refund=Decimal("5.00"),
    )

    body = _report(gql_client, staff, **{"from": "2026-05-04", "to": "2026-05-07"})

    report = body["data"]["salesReport"]
    gross = a.amount + b.amount
    assert report["ordersCount"] == 2
    assert Decimal(report["grossRevenue"]) == gross
    assert Decimal(report["refunds"]) == Decimal("5.00")
    assert Decimal(report["netRevenue"]) == gross - Decimal("5.00")
    assert Decimal(report["averageOrderValue"]) == (gross / 2).quantize(Decimal("0.01"))
    assert report["unitsSold"] == 3
    assert [b["bucket"] for b in report["series"]] == [
        "2026-05-04",
        "2026-05-05",
        "2026-05-06",
        "2026-05-07",
    ]
    assert [b["ordersCount"] for b in report["series"]] == [1, 0, 1, 0]
    assert Decimal(report["series"][2]["netRevenue"]) == b.amount - Decimal("5.00")
    assert [p["product"]["name"] for p in report["topProducts"]] == [
        "Linen dress",
        "Silk scarf",
    ]
    assert report["topVariants"][0]["size"] == dress.size
    assert len(report["topCategories"]) == 2


def test_weeks_and_months_bucket_by_their_first_day(
    gql_client, staff, django_capture_on_commit_callbacks
):
    _sell(
        stocked_variant(on_hand=5),
        1,
        DAY_ONE + timedelta(days=3),
        django_capture_on_commit_callbacks,
    )

    weeks = _report(
        gql_client,
        staff,
        **{"from": "2026-05-01", "to": "2026-05-20", "groupBy": "WEEK"},
    )
    months = _report(
        gql_client,
        staff,
        **{"from": "2026-04-15", "to": "2026-06-02", "groupBy": "MONTH"},
    )

    assert [b["bucket"] for b in weeks["data"]["salesReport"]["series"]] == [
        "2026-04-27",
        "2026-05-04",
        "2026-05-11",
        "2026-05-18",
    ]
    assert [b["ordersCount"] for b in weeks["data"]["salesReport"]["series"]] == [
        0,
        1,
        0,
        0,
    ]
    assert [b["bucket"] for b in months["data"]["salesReport"]["series"]] == [
        "2026-04-01",
        "2026-05-01",
        "2026-06-01",
    ]


@pytest.mark.parametrize(
    ("variables", "code"),
    [
        ({"from": "2026-05-07", "to": "2026-05-01"}, "INVALID_RANGE"),
        (
            {"from": "2023-01-01", "to": "2026-01-01", "groupBy": "MONTH"},
            "RANGE_TOO_LONG",
        ),
        ({"from": "2025-01-01", "to": "2026-06-01"}, "TOO_MANY_BUCKETS"),
        (
            {"from": "2026-05-01", "to": "2026-05-02", "currency": "XYZ"},
            "UNKNOWN_CURRENCY",
        ),
    ],
)
def test_a_report_that_makes_no_sense_is_a_clear_error(
    gql_client, staff, variables, code
):
    body = _report(gql_client, staff, **variables)

    assert body["data"] == {"salesReport": None}
    assert body["errors"][0]["extensions"]["code"] == code


def test_customers_may_not_see_sales(gql_client):
    body = _report(
        gql_client,
        token(UserFactory.create()),
        **{"from": "2026-05-01", "to": "2026-05-02"},
    )

    assert body["data"] == {"salesReport": None}
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


@pytest.mark.parametrize("orders", [1, 6])
def test_a_report_costs_the_same_queries_at_any_size(
    gql_client, staff, orders, django_capture_on_commit_callbacks
):
    for n in range(orders):
        _sell(
            stocked_variant(on_hand=5),
            1,
            DAY_ONE + timedelta(days=n),
            django_capture_on_commit_callbacks,
        )

    # viewer; totals, series; top products and their names, top variants
    # and their descriptions, top categories; products and categories of the
    # tops through their loaders
    with assert_num_queries(10):
        body = _report(gql_client, staff, **{"from": "2026-05-01", "to": "2026-06-30"})

    assert body["data"]["salesReport"]["ordersCount"] == orders


def test_the_report_reaches_no_customer_data():
    from schema.api import schema

    graphql = schema._schema
    seen, pending = set(), ["SalesReport"]
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        kind = graphql.get_type(name)
        for field in getattr(kind, "fields", {}).values():
            inner = field.type
            while hasattr(inner, "of_type"):
                inner = inner.of_type
            pending.append(inner.name)
    assert not {"User", "Order", "ShippingAddress", "OrderLine"} & seen


def test_a_category_report_counts_only_its_lines_and_each_order_once(
    gql_client, staff, settings, django_capture_on_commit_callbacks
):
    settings.SHOP_TIME_ZONE = "UTC"
    shoes = ProductFactory.create(name="Derby", base_price="80.00")
    hats = ProductFactory.create(name="Beret", base_price="15.00")
    derby_s, derby_m = (
        stocked_variant(on_hand=9, product=shoes),
        stocked_variant(on_hand=9, product=shoes),
    )
    beret = stocked_variant(on_hand=9, product=hats)
    with (
        time_machine.travel(DAY_ONE, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        both = payment_for(
            placed_order(
                buyer=UserFactory.create(),
                items=[(derby_s, 1), (derby_m, 1), (beret, 2)],
            ),
            provider=Provider.PAYSTACK,
        )
        deliver(both, "charge.success")

    body = _report(
        gql_client,
        staff,
        **{
            "from": "2026-05-04",
            "to": "2026-05-04",
            "category": relay.to_base64("Category", shoes.category_id),
        },
    )

    report = body["data"]["salesReport"]
    assert report["ordersCount"] == 1  # two shoe lines, one order
    assert report["unitsSold"] == 2
    assert Decimal(report["grossRevenue"]) == Decimal("160.00")
    assert [p["productName"] for p in report["topProducts"]] == ["Derby"]
