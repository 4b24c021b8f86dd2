"""A customer's visit over GraphQL (register, sign in, order) and the mail it causes.

System tests that take Redis away under real traffic (an outage, a Sentinel
failover) drive customers through these and count the emails that result.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from tests.factories.accounts import PASSWORD
from tests.factories.orders import ADDRESS_INPUT

__all__ = ["Post", "customer_orders", "mail_messages", "timed_post"]

REGISTER = """mutation ($input: AccountRegisterInput!) {
  accountRegister(input: $input) { user { id } errors { code } } }"""
SIGN_IN = """mutation ($email: String!, $password: String!) {
  tokenCreate(email: $email, password: $password) { accessToken errors { code } } }"""
ORDER = """mutation ($input: OrderCreateInput!) {
  orderCreate(input: $input) { order { number } errors { code } } }"""

# (query, variables, bearer token or None) -> the response's `data`.
type Post = Callable[[str, dict[str, Any], str | None], dict[str, Any]]


def customer_orders(post: Post, variant_gid: str) -> None:
    """A new customer registers, signs in and orders one unit: two emails due."""
    email = f"{uuid.uuid4().hex[:10]}@example.com"
    registered = post(REGISTER, {"input": {"email": email, "password": PASSWORD}}, None)
    assert registered["accountRegister"]["errors"] == [], registered
    signed_in = post(SIGN_IN, {"email": email, "password": PASSWORD}, None)
    token = signed_in["tokenCreate"]["accessToken"]
    order_input = {
        "lines": [{"variantId": variant_gid, "quantity": 1}],
        "shippingAddress": ADDRESS_INPUT,
        "idempotencyKey": uuid.uuid4().hex,
    }
    placed = post(ORDER, {"input": order_input}, token)
    assert placed["orderCreate"]["errors"] == [], placed


def timed_post(
    url: str,
    query: str,
    variables: dict[str, Any],
    token: str | None,
    headers: dict[str, str] | None = None,
) -> tuple[httpx.Response, float]:
    """POST one operation to the server at `url`; return it and its seconds."""
    sent = {"Accept": "application/json", **(headers or {})}
    if token:
        sent["Authorization"] = f"Bearer {token}"
    started = time.monotonic()
    response = httpx.post(
        f"{url}/graphql/",
        json={"query": query, "variables": variables},
        headers=sent,
        timeout=30,
    )
    return response, time.monotonic() - started


def mail_messages(mail_dir: Path) -> list[str]:
    """Every message the file email backend wrote (one file per connection)."""
    separator = "-" * 79
    return [
        message
        for path in mail_dir.glob("*.log")
        for message in path.read_text().split(separator)
        if message.strip()
    ]
