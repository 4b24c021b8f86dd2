"""Who is asking: the same rule for GraphQL (schema/) and plain HTTP (webhooks/).

The Authorization header is parsed in each interface (they may not import
each other); these cases hold both to the rule that was apps.accounts'
`aviewer_for_request`: a header is judged alone, the session only without one.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.utils import timezone

from apps.accounts.errors import TokenError
from schema.http import auth as graphql_auth
from tests.factories.accounts import UserFactory, signed_in
from webhooks import auth as http_auth

pytestmark = pytest.mark.django_db(transaction=True)

RULES = [graphql_auth.aviewer_for_request, http_auth.aviewer_for_request]


def _request(*, authorization: str | None = None, session_user=None):
    """A request as Django's session and auth middleware leave it."""
    headers = {} if authorization is None else {"Authorization": authorization}
    request = RequestFactory().get("/", headers=headers)
    if session_user is None:
        request.session = SessionStore()
    else:
        client = Client()
        client.force_login(session_user)
        request.session = SessionStore(session_key=client.session.session_key)
    AuthenticationMiddleware(lambda r: HttpResponse()).process_request(request)
    return request


async def _answer(rule, request) -> str:
    """The user's email, "anonymous", or the refusal's code."""
    try:
        user = await rule(request)
    except TokenError as error:
        return str(error.code)
    return user.email if user.is_authenticated else "anonymous"


async def _answers(**kwargs) -> list[str]:
    request = await sync_to_async(_request)(**kwargs)
    return [await _answer(rule, request) for rule in RULES]


@pytest.fixture
def alice():
    return UserFactory.create(email="alice@example.com")


@pytest.fixture
def bob():
    return UserFactory.create(email="bob@example.com")


async def test_no_header_and_no_session_is_anonymous():
    assert await _answers() == ["anonymous", "anonymous"]


async def test_no_header_falls_back_to_the_session(alice):
    assert await _answers(session_user=alice) == [alice.email] * 2


@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "BEARER"])
async def test_a_bearer_token_names_its_user_whatever_the_scheme_case(alice, scheme):
    access = (await sync_to_async(signed_in)(alice)).access_token

    assert await _answers(authorization=f"{scheme} {access} ") == [alice.email] * 2


async def test_a_header_wins_over_the_session(alice, bob):
    access = (await sync_to_async(signed_in)(alice)).access_token

    answers = await _answers(authorization=f"Bearer {access}", session_user=bob)

    assert answers == [alice.email] * 2


@pytest.mark.parametrize(
    "header", ["Basic YWxpY2U6c2VjcmV0", "Bearer", "Bearer    ", "", "Token abc"]
)
async def test_a_malformed_header_is_refused_even_with_a_session(bob, header):
    answers = await _answers(authorization=header, session_user=bob)

    assert answers == ["INVALID_TOKEN"] * 2


async def test_an_unknown_token_is_refused_even_with_a_session(bob):
    answers = await _answers(authorization="Bearer not-a-token", session_user=bob)

    assert answers == ["INVALID_TOKEN"] * 2


async def test_an_expired_token_is_refused_as_expired(alice):
    access = (
        await sync_to_async(signed_in)(alice, now=timezone.now() - timedelta(days=2))
    ).access_token

    assert await _answers(authorization=f"Bearer {access}") == ["TOKEN_EXPIRED"] * 2
