"""Locust users for the mixed load (bench/mixed.py runs them; see its docstring).

Weights 70/15/10/5: shoppers browsing and filtering with facets, shoppers
opening a product, customers signing in to list their orders, and buyers
placing an order, starting a Stripe payment and posting the genuinely signed
webhook Stripe would send, then reading the order until it is paid.

Every response is checked: HTTP 200, no `errors`, no payload `errors`;
anything else is a Locust failure named by its code.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import time
import uuid
from decimal import Decimal
from typing import Any

import stripe
from locust import HttpUser, between, events, task

PASSWORD = os.environ.get("MIXED_PASSWORD", "correct horse battery staple")
SECRET = os.environ["STRIPE_WEBHOOK_SECRET"]
# Each sign-in takes the next seeded customer; each run starts at its own
# offset, since a customer may place 10 orders an hour (ORDERS_PLACE_RATE_COUNT).
ACCOUNTS = itertools.count(int(os.environ.get("MIXED_FIRST_ACCOUNT", "0")))
ADDRESSES = itertools.count(1)
ORDERS_PER_ACCOUNT = 8  # under the 10 orders per hour each customer may place

CATALOG = """query Catalog { products(first: 40) { edges { node {
  slug category { id } variants { id size colour available } } } } }"""
BROWSE = """query Browse($filter: ProductFilterInput, $sort: ProductSort, $after: String) {
  products(first: 20, filter: $filter, sort: $sort, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id name brand basePrice { amount currency }
      variants { sku size colour available } } }
    facets { sizes { value count } colours { value count } price { min max } } } }"""
PRODUCT = """query Product($slug: String!) { product(slug: $slug) {
  id name description brand category { name }
  variants { id sku size colour price { amount currency } stock { available isLow } } } }"""
SIGN_IN = """mutation SignIn($email: String!, $password: String!) {
  tokenCreate(email: $email, password: $password) { accessToken errors { code } } }"""
ORDERS = """query Orders { myOrders(first: 10) { edges { node {
  number status total { amount currency } lines { productName quantity } } } } }"""
PLACE = """mutation Place($input: OrderCreateInput!) {
  orderCreate(input: $input) { order { id total { amount } } errors { code field } } }"""
PAY = """mutation Pay($order: ID!, $key: String!) {
  paymentInitialize(orderId: $order, provider: STRIPE, idempotencyKey: $key) {
    payment { reference amount { amount currency } } errors { code } } }"""
ORDER = "query Order($id: ID!) { order(id: $id) { status } }"
SORTS = ["NAME_ASC", "PRICE_ASC", "PRICE_DESC", "NEWEST"]
ADDRESS = {
    "fullName": "Ada Load",
    "line1": "1 Bench Street",
    "city": "London",
    "postalCode": "N1 9GU",
    "country": "GB",
}

_catalog: dict[str, Any] = {}


class GraphQLUser(HttpUser):
    """A client of /graphql/ from its own address, checking every answer."""

    abstract = True
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        self.address = f"10.{next(ADDRESSES) // 250 % 250}.{random.randrange(250)}.1"
        self.token: str | None = None
        if not _catalog:
            data = self.graphql("setup: catalog", CATALOG)
            nodes = [edge["node"] for edge in data["products"]["edges"]] if data else []
            _catalog["slugs"] = [node["slug"] for node in nodes]
            _catalog["categories"] = sorted({node["category"]["id"] for node in nodes})
            _catalog["sizes"] = sorted(
                {v["size"] for n in nodes for v in n["variants"]}
            )
            _catalog["variants"] = [
                v["id"] for n in nodes for v in n["variants"] if v["available"] > 20
            ]

    def graphql(
        self, name: str, query: str, variables: dict[str, Any] | None = None
    ) -> Any:
        """POST a document; return `data`, or None after recording the failure."""
        headers = {"X-Forwarded-For": self.address}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        with self.client.post(
            "/graphql/",
            json={"query": query, "variables": variables or {}},
            headers=headers,
            name=name,
            catch_response=True,
        ) as response:
            problem = _problem(response)
            if problem:
                response.failure(problem)
                return None
            return response.json()["data"]

    def sign_in(self) -> None:
        self.token = None
        email = f"mixed{next(ACCOUNTS)}@example.com"
        data = self.graphql("sign in", SIGN_IN, {"email": email, "password": PASSWORD})
        if data:
            self.token = data["tokenCreate"]["accessToken"]


class Browser(GraphQLUser):
    """Lists products, filters by category, size or price, and pages on."""

    weight = 70

    @task
    def browse(self) -> None:
        filter_: dict[str, Any] = {}
        kind = random.randrange(4)
        if kind == 1 and _catalog["categories"]:
            filter_["category"] = random.choice(_catalog["categories"])
        elif kind == 2 and _catalog["sizes"]:
            filter_["sizes"] = [random.choice(_catalog["sizes"])]
        elif kind == 3:
            filter_["priceMax"] = str(random.choice([50, 100, 200]))
        variables = {"filter": filter_, "sort": random.choice(SORTS)}
        data = self.graphql("browse", BROWSE, variables)
        page = data["products"]["pageInfo"] if data else None
        if page and page["hasNextPage"] and random.random() < 0.3:
            variables["after"] = page["endCursor"]
            self.graphql("browse: next page", BROWSE, variables)


class Viewer(GraphQLUser):
    """Opens a product page."""

    weight = 15

    @task
    def product(self) -> None:
        if _catalog["slugs"]:
            slug = random.choice(_catalog["slugs"])
            self.graphql("product", PRODUCT, {"slug": slug})


class Customer(GraphQLUser):
    """Signs in once, then lists their orders."""

    weight = 10

    def on_start(self) -> None:
        super().on_start()
        self.sign_in()

    @task
    def orders(self) -> None:
        if self.token:
            self.graphql("orders", ORDERS)


class Buyer(GraphQLUser):
    """Places an order, pays it through Stripe's webhook, waits until PAID."""

    weight = 5

    def on_start(self) -> None:
        super().on_start()
        self.placed = 0
        self.sign_in()

    @task
    def buy(self) -> None:
        if self.placed and self.placed % ORDERS_PER_ACCOUNT == 0:
            self.sign_in()
        if not self.token or not _catalog["variants"]:
            return
        self.placed += 1
        line = {"variantId": random.choice(_catalog["variants"]), "quantity": 1}
        input_ = {
            "lines": [line],
            "shippingAddress": ADDRESS,
            "idempotencyKey": str(uuid.uuid4()),
        }
        placed = self.graphql("order: place", PLACE, {"input": input_})
        if not placed:
            return
        order_id = placed["orderCreate"]["order"]["id"]
        started = self.graphql(
            "order: start payment", PAY, {"order": order_id, "key": str(uuid.uuid4())}
        )
        if not started:
            return
        self.webhook(started["paymentInitialize"]["payment"])
        self.await_paid(order_id)

    def webhook(self, payment: dict[str, Any]) -> None:
        """Post what Stripe sends when the payment succeeds, signed with the secret."""
        minor = int(Decimal(payment["amount"]["amount"]) * 100)
        reference = payment["reference"]
        body = json.dumps(
            {
                "id": "evt_" + uuid.uuid4().hex[:24],
                "object": "event",
                "type": "payment_intent.succeeded",
                "created": int(time.time()),
                "data": {
                    "object": {
                        "id": reference,
                        "object": "payment_intent",
                        "amount": minor,
                        "amount_received": minor,
                        "currency": payment["amount"]["currency"].lower(),
                        "latest_charge": "ch_" + reference.removeprefix("pi_"),
                    }
                },
            }
        )
        signature = stripe.WebhookSignature.generate_signature_header(
            body, SECRET, int(time.time())
        )
        with self.client.post(
            "/webhooks/stripe/",
            data=body,
            headers={"Content-Type": "application/json", "Stripe-Signature": signature},
            name="order: webhook",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")

    def await_paid(self, order_id: str) -> None:
        """Read the order until the worker has marked it PAID (at most 30 s)."""
        started = time.perf_counter()
        for _ in range(60):
            data = self.graphql("order: read until paid", ORDER, {"id": order_id})
            if data and data["order"]["status"] == "PAID":
                _record("order: paid after webhook", started)
                return
            time.sleep(0.5)
        _record("order: paid after webhook", started, "NOT_PAID_IN_30_S")


def _problem(response: Any) -> str | None:
    if response.status_code != 200:
        return f"HTTP {response.status_code}"
    body = response.json()
    if body.get("errors"):
        return ",".join(
            str(e.get("extensions", {}).get("code")) for e in body["errors"]
        )
    for payload in (body.get("data") or {}).values():
        if isinstance(payload, dict) and payload.get("errors"):
            return ",".join(str(e.get("code")) for e in payload["errors"])
    return None


def _record(name: str, started: float, failure: str | None = None) -> None:
    """Report a span no single request covers, as Locust's own statistics."""
    events.request.fire(
        request_type="FLOW",
        name=name,
        response_time=(time.perf_counter() - started) * 1000,
        response_length=0,
        exception=Exception(failure) if failure else None,
        context={},
    )
