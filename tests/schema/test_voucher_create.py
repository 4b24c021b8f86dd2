"""voucherCreate through /graphql/: staff only, typed errors, usesLeft."""

from __future__ import annotations

import pytest

from apps.pricing.models import Voucher
from tests.factories.accounts import UserFactory
from tests.factories.catalog import CategoryFactory, ProductFactory
from tests.support.graphql import error_codes, gid, post, token

pytestmark = pytest.mark.django_db

CREATE = """mutation ($input: VoucherCreateInput!) {
  voucherCreate(input: $input) { voucher { id code usesLeft } errors { field code } } }"""


def _create(client, bearer: str, **fields):
    return post(client, CREATE, {"input": fields}, bearer=bearer)


def test_staff_create_a_voucher_with_a_usage_limit(gql_client):
    staff = token(UserFactory.create(staff=True))

    body = _create(
        gql_client,
        staff,
        code="summer-3",
        discountType="PERCENTAGE",
        value="15",
        usageLimit=3,
        usageLimitPerCustomer=1,
    )

    payload = body["data"]["voucherCreate"]
    assert payload["errors"] == []
    assert (payload["voucher"]["code"], payload["voucher"]["usesLeft"]) == (
        "SUMMER-3",
        3,
    )
    assert Voucher.objects.get().usage_limit_per_customer == 1


def test_an_unlimited_voucher_has_no_uses_left_count(gql_client):
    staff = token(UserFactory.create(staff=True))

    body = _create(
        gql_client, staff, code="WELCOME10", discountType="PERCENTAGE", value="10"
    )

    assert body["data"]["voucherCreate"]["voucher"]["usesLeft"] is None


def test_a_fixed_voucher_without_currency_is_a_typed_error(gql_client):
    staff = token(UserFactory.create(staff=True))

    body = _create(
        gql_client, staff, code="FIVEOFF", discountType="FIXED", value="5.00"
    )

    assert body["data"]["voucherCreate"] == {
        "voucher": None,
        "errors": [{"field": "currency", "code": "CURRENCY_REQUIRED"}],
    }
    assert not Voucher.objects.exists()


def test_an_unknown_currency_is_a_typed_error(gql_client):
    staff = token(UserFactory.create(staff=True))

    body = _create(
        gql_client,
        staff,
        code="FIVEOFF",
        discountType="FIXED",
        value="5",
        currency="XXX",
    )

    assert body["data"]["voucherCreate"]["errors"] == [
        {"field": "currency", "code": "INVALID_CURRENCY"}
    ]


def test_customers_may_not_create_vouchers(gql_client):
    customer = token(UserFactory.create())

    body = _create(gql_client, customer, code="FREE", discountType="FREE_SHIPPING")

    assert error_codes(body) == ["FORBIDDEN"]
    assert not Voucher.objects.exists()


def test_staff_scope_a_voucher_to_categories_and_products(gql_client):
    staff = token(UserFactory.create(staff=True))
    category, product = CategoryFactory.create(), ProductFactory.create()

    body = _create(
        gql_client,
        staff,
        code="SCOPED",
        discountType="PERCENTAGE",
        value="10",
        categories=[gid("Category", category.pk)],
        products=[gid("Product", product.pk)],
    )

    assert body["data"]["voucherCreate"]["errors"] == []
    voucher = Voucher.objects.get(code="SCOPED")
    assert list(voucher.categories.all()) == [category]
    assert list(voucher.products.all()) == [product]


def test_an_unknown_category_is_a_typed_error_and_creates_nothing(gql_client):
    staff = token(UserFactory.create(staff=True))

    body = _create(
        gql_client,
        staff,
        code="NOWHERE",
        discountType="PERCENTAGE",
        value="10",
        categories=[gid("Category", 999999)],
    )

    assert body["data"]["voucherCreate"]["errors"] == [
        {"field": "categories.0", "code": "UNKNOWN_SCOPE"}
    ]
    assert not Voucher.objects.exists()
