"""The address book: a signed-in customer's saved addresses and their default."""

from __future__ import annotations

from typing import Any

import pytest

from apps.accounts.services.address_book import ADDRESS_BOOK_MAX
from tests.factories.accounts import UserFactory, signed_in
from tests.factories.orders import ADDRESS_INPUT
from tests.support.graphql import error_codes, gql, request
from tests.support.queries import assert_num_queries

pytestmark = pytest.mark.django_db

CREATE = """mutation ($input: ShippingAddressInput!, $default: Boolean! = false) {
  accountAddressCreate(input: $input, setAsDefault: $default) {
    address { id city country } errors { field code } } }"""
UPDATE = """mutation ($id: ID!, $input: ShippingAddressInput!) {
  accountAddressUpdate(id: $id, input: $input) { address { id city } errors { field code } } }"""
DELETE = """mutation ($id: ID!) {
  accountAddressDelete(id: $id) { errors { field code } } }"""
SET_DEFAULT = """mutation ($id: ID!) {
  accountSetDefaultShippingAddress(id: $id) {
    user { defaultShippingAddress { id } } errors { field code } } }"""
BOOK = "{ me { addresses { id city } defaultShippingAddress { id city } } }"


class Customer:
    """One signed-in customer talking to the endpoint."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.token = signed_in(UserFactory.create()).access_token

    def ask(
        self, query: str, variables: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        body: dict[str, Any] = request(
            self.client, query, variables, bearer=self.token
        ).json()
        return body

    def save(self, city: str = "London", *, default: bool = False) -> str:
        body = self.ask(
            CREATE, {"input": {**ADDRESS_INPUT, "city": city}, "default": default}
        )
        payload = body["data"]["accountAddressCreate"]
        assert payload["errors"] == [], payload
        address_id: str = payload["address"]["id"]
        return address_id

    def book(self) -> dict[str, Any]:
        me: dict[str, Any] = self.ask(BOOK)["data"]["me"]
        return me


def test_the_first_saved_address_becomes_the_default(gql_client):
    ada = Customer(gql_client)

    first = ada.save("London")
    ada.save("Paris")

    book = ada.book()
    assert [a["city"] for a in book["addresses"]] == ["London", "Paris"]
    assert book["defaultShippingAddress"] == {"id": first, "city": "London"}


def test_an_address_saved_as_default_becomes_it(gql_client):
    ada = Customer(gql_client)
    ada.save("London")

    paris = ada.save("Paris", default=True)

    assert ada.book()["defaultShippingAddress"]["id"] == paris


def test_the_country_is_checked_and_the_field_named(gql_client):
    ada = Customer(gql_client)

    body = ada.ask(CREATE, {"input": {**ADDRESS_INPUT, "country": "UK"}})

    assert body["data"]["accountAddressCreate"]["errors"] == [
        {"field": "input.country", "code": "INVALID_ADDRESS"}
    ]
    assert ada.book()["addresses"] == []


def test_an_address_is_updated_in_place(gql_client):
    ada = Customer(gql_client)
    address = ada.save("London")

    body = ada.ask(UPDATE, {"id": address, "input": {**ADDRESS_INPUT, "city": "Leeds"}})

    assert body["data"]["accountAddressUpdate"]["address"] == {
        "id": address,
        "city": "Leeds",
    }


def test_deleting_the_default_leaves_no_default(gql_client):
    ada = Customer(gql_client)
    address = ada.save("London")

    body = ada.ask(DELETE, {"id": address})

    assert body["data"]["accountAddressDelete"]["errors"] == []
    assert ada.book() == {"addresses": [], "defaultShippingAddress": None}


def test_the_default_can_be_chosen(gql_client):
    ada = Customer(gql_client)
    ada.save("London")
    paris = ada.save("Paris")

    body = ada.ask(SET_DEFAULT, {"id": paris})

    assert body["data"]["accountSetDefaultShippingAddress"] == {
        "user": {"defaultShippingAddress": {"id": paris}},
        "errors": [],
    }


def test_another_customers_address_looks_missing(gql_client):
    ada, eve = Customer(gql_client), Customer(gql_client)
    address = ada.save("London")

    answers = [
        eve.ask(UPDATE, {"id": address, "input": ADDRESS_INPUT})["data"][
            "accountAddressUpdate"
        ],
        eve.ask(DELETE, {"id": address})["data"]["accountAddressDelete"],
        eve.ask(SET_DEFAULT, {"id": address})["data"][
            "accountSetDefaultShippingAddress"
        ],
    ]

    assert [a["errors"] for a in answers] == [
        [{"field": None, "code": "ADDRESS_NOT_FOUND"}]
    ] * 3
    assert [a["city"] for a in ada.book()["addresses"]] == ["London"]
    assert eve.book()["addresses"] == []


def test_the_address_book_has_a_limit(gql_client):
    ada = Customer(gql_client)
    for n in range(ADDRESS_BOOK_MAX):
        ada.save(f"Town {n}")

    body = ada.ask(CREATE, {"input": ADDRESS_INPUT})

    assert body["data"]["accountAddressCreate"]["errors"] == [
        {"field": None, "code": "ADDRESS_BOOK_FULL"}
    ]


def test_the_address_book_needs_a_signed_in_user(gql_client):
    body = gql(gql_client, CREATE, {"input": ADDRESS_INPUT}, expect_errors=True)

    assert error_codes(body) == ["UNAUTHENTICATED"]


def test_an_id_of_another_type_is_an_invalid_id(gql_client):
    ada = Customer(gql_client)

    body = ada.ask(DELETE, {"id": "VXNlcjox"})  # User:1

    assert error_codes(body) == ["INVALID_ID"]


@pytest.mark.parametrize("saved", [1, ADDRESS_BOOK_MAX])
def test_the_address_book_costs_the_same_queries_at_any_size(gql_client, saved):
    ada = Customer(gql_client)
    for n in range(saved):
        ada.save(f"Town {n}")

    # The viewer (token and user), the addresses, the default address.
    with assert_num_queries(3):
        book = ada.book()

    assert len(book["addresses"]) == saved
