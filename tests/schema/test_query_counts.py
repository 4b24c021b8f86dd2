"""Every list field costs a constant number of SQL queries, whatever the page size."""

from __future__ import annotations

import pytest
from django.db import connection

from apps.orders import models as order_models
from apps.orders.status import OrderStatus
from tests.factories.accounts import UserFactory
from tests.factories.catalog import (
    AttributeFactory,
    AttributeValueFactory,
    CategoryFactory,
    ProductAttributeFactory,
    ProductFactory,
    stocked_variant,
)
from tests.factories.orders import placed_order
from tests.factories.payments import payment_for
from tests.schema.test_orders import CANCEL, CREATE, create_input
from tests.support.graphql import gid, gql, post, token
from tests.support.queries import assert_num_queries

# Every list or connection field, and the test below that pins its cost.
COUNTED_FIELDS = {
    "Query.products",  # test_products_with_category_and_variants_cost_fixed_queries
    "Product.variants",  # idem
    "Query.categories",  # test_categories_with_children_and_products_cost_five_queries
    "Category.children",  # idem
    "Category.products",  # idem
    "Query.nodes",  # tests/schema/test_nodes.py::test_nodes_batch_each_type_into_one_query
    "ProductFacets.sizes",  # test_facets_cost_five_grouped_queries_at_any_page_size
    "ProductFacets.colours",  # idem
    "ProductFacets.categories",  # idem
    "ProductFacets.attributes",  # idem
    "AttributeFacetGroup.values",  # idem
    # test_products_with_attributes_cost_the_same_queries_at_any_page_size
    "Product.attributes",
    "ProductAttribute.values",
    # tests/schema/test_search_suggestions.py::
    # test_suggestions_cost_the_same_queries_at_any_size
    "SearchSuggestions.products",
    "SearchSuggestions.categories",
    "SearchSuggestions.brands",
    "SearchSuggestions.collections",
    "CategoryFacetCount.path",  # built with the facets, in memory
    # Mutation errors are built in memory: tests/schema/test_accounts.py::
    # test_a_mutation_error_list_is_built_without_queries
    "AccountRegisterPayload.errors",
    "AccountVerifyEmailPayload.errors",
    "TokenCreatePayload.errors",
    "TokenRefreshPayload.errors",
    "TokenRevokePayload.errors",
    "PaymentInitializePayload.errors",
    "ReportGeneratePayload.errors",
    # The account pages' payloads build their errors the same way (user_error_from).
    "RequestPasswordResetPayload.errors",
    "SetPasswordPayload.errors",
    "PasswordChangePayload.errors",
    "AccountUpdatePayload.errors",
    "SendConfirmationEmailPayload.errors",
    "AccountAddressPayload.errors",
    "AccountAddressBookPayload.errors",
    "VoucherCreatePayload.errors",
    "ProductMediaCreatePayload.errors",
    # tests/schema/test_product_media.py::
    # test_a_page_of_products_with_media_costs_the_same_queries_at_any_size
    "Product.media",
    # tests/schema/test_collections.py::
    # test_a_page_of_collections_with_their_products_costs_the_same_at_any_size
    "Query.collections",
    "Collection.products",
    "ProductVariant.media",  # one loader with Product.media, keyed by product
    # tests/schema/test_checkout.py::test_a_checkout_read_costs_the_same_queries_at_any_size
    "Checkout.lines",
    "Checkout.availableShippingMethods",
    "Checkout.problems",
    "CheckoutPayload.errors",
    "CheckoutCompletePayload.errors",
    # tests/schema/test_address_book.py::test_the_address_book_costs_the_same_queries_at_any_size
    "User.addresses",
    "SalesReport.series",  # tests/schema/test_reports.py::test_a_report_costs_the_same_queries_at_any_size
    "SalesReport.topProducts",  # idem
    "SalesReport.topVariants",  # idem
    "SalesReport.topCategories",  # idem
    "Query.myOrders",  # test_my_orders_with_lines_variants_and_history_cost_six_queries
    "Order.lines",  # idem, and test_staff_orders_cost_the_same_at_any_page_size
    "Order.statusHistory",  # idem
    "Query.orders",  # test_staff_orders_cost_the_same_at_any_page_size
    "OrderCreatePayload.errors",  # test_order_create_errors_cost_the_same_per_line
    "OrderCancelPayload.errors",  # test_order_cancel_error_costs_fixed_queries
    "OrderFulfilPayload.errors",  # test_order_fulfil_errors_cost_fixed_queries
}


@pytest.fixture(autouse=True)
def _production_plans(settings):
    """Count what production runs: no graphql-core completion beside each plan."""
    settings.GRAPHQL_PLAN_VERIFY = False


@pytest.fixture(autouse=True)
def _no_cost_limits(settings):
    """SQL counts at the largest pages; query cost is test_query_cost*.py's subject."""
    settings.GRAPHQL_MAX_QUERY_COST = settings.GRAPHQL_MAX_QUERY_COST_STAFF = 10**9
    settings.GRAPHQL_COST_BUCKET_CAPACITY = 10**9
    settings.GRAPHQL_COST_BUCKET_CAPACITY_STAFF = 10**9


PRODUCTS = """
query ($first: Int!) {
  products(first: $first) {
    edges { node { name category { name } variants { sku size colour available } } }
  }
}
"""

CATEGORIES = """
query ($first: Int!) {
  categories(first: $first, topLevelOnly: true) {
    edges { node { name children { name } products(first: 5) {
      edges { node { name variants { sku available stock { available } } } }
    } } }
  }
}
"""


def _catalog(products: int) -> None:
    categories = [CategoryFactory.create() for _ in range(3)]
    for n in range(products):
        product = ProductFactory.create(category=categories[n % 3])
        for size in ("S", "M", "L"):
            stocked_variant(product=product, size=size)


@pytest.mark.parametrize("first", [1, 10, 100])
def test_products_with_category_and_variants_cost_fixed_queries(gql_client, first):
    _catalog(products=100)
    # The page with its nodes as JSON documents built by PostgreSQL in the
    # same statement (schema/catalog/documents.py); elsewhere the page, the
    # categories and the variants.
    expected = 1 if connection.vendor == "postgresql" else 3

    with assert_num_queries(expected):
        body = gql(gql_client, PRODUCTS, {"first": first})

    assert len(body["data"]["products"]["edges"]) == first


ATTRIBUTES = """
query ($first: Int!) {
  products(first: $first) {
    edges { node { name attributes { slug multiple values { slug name } } } }
  }
}
"""


@pytest.mark.parametrize("first", [1, 10, 100])
def test_products_with_attributes_cost_the_same_queries_at_any_page_size(
    gql_client, first
):
    material = AttributeFactory.create(slug="material", kind="multiple")
    linen = AttributeValueFactory.create(attribute=material, slug="linen")
    silk = AttributeValueFactory.create(attribute=material, slug="silk")
    for _ in range(first):
        product = ProductFactory.create()
        for value in (linen, silk):
            ProductAttributeFactory.create(product=product, value=value)

    with assert_num_queries(2):  # the page, then every product's attributes
        body = gql(gql_client, ATTRIBUTES, {"first": first})

    edges = body["data"]["products"]["edges"]
    assert len(edges) == first
    assert all(len(e["node"]["attributes"][0]["values"]) == 2 for e in edges)


@pytest.mark.parametrize("first", [1, 10, 100])
def test_categories_with_children_and_products_cost_five_queries(gql_client, first):
    for _ in range(first):
        category = CategoryFactory.create()
        child = CategoryFactory.create(parent=category)
        for home in (category, child):
            stocked_variant(product=ProductFactory.create(category=home))

    # categories, children, the category tree (products of subcategories
    # count), products, variants
    with assert_num_queries(5):
        body = gql(gql_client, CATEGORIES, {"first": first})

    assert len(body["data"]["categories"]["edges"]) == first


FACETS = """
query ($first: Int!) {
  products(first: $first, filter: {inStock: true}) {
    totalCount
    facets {
      sizes { value count } colours { value count } categories { name count }
      price { min max } attributes { slug values { slug count } }
    }
  }
}
"""


@pytest.mark.parametrize("first", [1, 10, 100])
def test_facets_cost_five_grouped_queries_at_any_page_size(gql_client, first):
    _catalog(products=100)

    # page, total count, five facets, the category tree (facet labels)
    with assert_num_queries(1 + 1 + 5 + 1):
        body = gql(gql_client, FACETS, {"first": first})

    assert body["data"]["products"]["totalCount"] == 100


ORDER_PAGE = """
query ($first: Int!) {
  %s(first: $first) {
    edges { node {
      number total { amount }
      lines { sku quantity unitPrice { amount } variant { sku available } }
      statusHistory { toStatus reason }
    } }
  }
}
"""


def _orders(buyer, count: int) -> None:
    # Two lines each; marked paid so the open-units limit never applies.
    for _ in range(count):
        order = placed_order(
            buyer=buyer, items=[(stocked_variant(), 1), (stocked_variant(), 2)]
        )
        order_models.Order.objects.filter(pk=order.pk).update(status=OrderStatus.PAID)


@pytest.mark.parametrize("first", [1, 10, 100])
def test_my_orders_with_lines_variants_and_history_cost_six_queries(gql_client, first):
    buyer = UserFactory.create()
    _orders(buyer, first)
    bearer = token(buyer)

    # viewer, page, lines, history, published variant ids, variants with stock
    with assert_num_queries(6):
        body = post(
            gql_client, ORDER_PAGE % "myOrders", {"first": first}, bearer=bearer
        )

    edges = body["data"]["myOrders"]["edges"]
    assert len(edges) == first
    assert all(len(edge["node"]["lines"]) == 2 for edge in edges)


@pytest.mark.parametrize("first", [1, 10, 100])
def test_staff_orders_cost_the_same_at_any_page_size(gql_client, first):
    _orders(UserFactory.create(), first)
    bearer = token(UserFactory.create(staff=True))

    with assert_num_queries(6):
        body = post(gql_client, ORDER_PAGE % "orders", {"first": first}, bearer=bearer)

    assert len(body["data"]["orders"]["edges"]) == first


ORDER_PAGE_WITH_PAYMENT = """
query ($first: Int!) {
  %s(first: $first) {
    edges { node { number payment { status provider amount { amount currency } } } }
  }
}
"""


@pytest.mark.parametrize("first", [1, 10, 100])
@pytest.mark.parametrize("field", ["myOrders", "orders"])
def test_order_payments_cost_one_query_at_any_page_size(gql_client, first, field):
    buyer = UserFactory.create()
    _orders(buyer, first)
    for order in order_models.Order.objects.filter(customer=buyer):
        payment_for(order)
    bearer = token(buyer if field == "myOrders" else UserFactory.create(staff=True))

    # viewer, page, payments of the page
    with assert_num_queries(3):
        body = post(
            gql_client, ORDER_PAGE_WITH_PAYMENT % field, {"first": first}, bearer=bearer
        )

    edges = body["data"][field]["edges"]
    assert len(edges) == first
    assert all(edge["node"]["payment"]["status"] == "PENDING" for edge in edges)


@pytest.mark.parametrize("lines", [1, 10, 50])
def test_order_create_errors_cost_the_same_per_line(gql_client, lines):
    bearer = token(UserFactory.create())
    variants = [stocked_variant() for _ in range(lines)]

    # viewer; variants and stock (gathered), products; then the service's
    # transaction (a savepoint inside the test's; begin, rollback to and
    # release): key lookup, the order holding the key, customer check,
    # open units, key lookup again (a racing duplicate may have won)
    with assert_num_queries(12):
        body = post(
            gql_client,
            CREATE,
            {"input": create_input(*((variant, 0) for variant in variants))},
            bearer=bearer,
        )

    errors = body["data"]["orderCreate"]["errors"]
    assert [e["code"] for e in errors] == ["INVALID_QUANTITY"] * lines


@pytest.mark.parametrize("lines", [1, 10, 50])
def test_order_create_costs_the_same_at_any_number_of_lines(gql_client, lines):
    bearer = token(UserFactory.create())
    variants = [stocked_variant() for _ in range(lines)]

    # Reads as in the errors test below, then the writes in the same
    # transaction, which include the email job (savepoint, insert, release);
    # only PostgreSQL runs `SET LOCAL lock_timeout` before locking stock.
    # Pricing reads the country's tax rates (the category tree only when a
    # category has its own rate; shipping offers only for a checkout).
    with assert_num_queries(33 if connection.vendor == "postgresql" else 32):
        body = post(
            gql_client,
            CREATE,
            {"input": create_input(*((variant, 1) for variant in variants))},
            bearer=bearer,
        )

    assert body["data"]["orderCreate"]["errors"] == []
    assert len(body["data"]["orderCreate"]["order"]["lines"]) == lines


def test_order_cancel_error_costs_fixed_queries(gql_client):
    bearer = token(UserFactory.create())

    # viewer, actor, then the locked order read inside a savepoint
    # (savepoint, select, rollback to and release: the test's transaction
    # turns the service's atomic block into a savepoint)
    with assert_num_queries(6) as captured:
        body = post(gql_client, CANCEL, {"id": gid("Order", 999_999)}, bearer=bearer)

    assert [e["code"] for e in body["data"]["orderCancel"]["errors"]] == [
        "ORDER_NOT_FOUND"
    ], captured.captured_queries


def test_order_fulfil_errors_cost_fixed_queries(gql_client):
    bearer = token(UserFactory.create(staff=True))
    fulfil = """
    mutation ($id: ID!) {
      orderFulfil(id: $id, trackingNumber: "?", carrier: "?") {
        errors { field code }
      }
    }
    """

    # viewer, then the service's savepoint (opened, rolled back, released):
    # the shipment is checked before the order is read
    with assert_num_queries(4):
        body = post(gql_client, fulfil, {"id": gid("Order", 999_999)}, bearer=bearer)

    assert [e["code"] for e in body["data"]["orderFulfil"]["errors"]] == [
        "INVALID_TRACKING_NUMBER",
        "INVALID_CARRIER",
    ]
