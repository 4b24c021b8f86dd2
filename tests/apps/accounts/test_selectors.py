from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync

from apps.accounts import selectors
from apps.accounts.errors import AccountErrorCode, TokenError
from tests.factories.accounts import UserFactory, signed_in
from tests.support.queries import assert_num_queries

pytestmark = pytest.mark.django_db

# Sync tests: the async selector runs on this thread's connection (and transaction).
user_for_access_token = async_to_sync(selectors.auser_for_access_token)


def test_an_access_token_finds_its_user_in_one_query(clock):
    user = UserFactory.create()
    pair = signed_in(user, now=clock.now)

    found = user_for_access_token(token=pair.access_token, now=clock.now)

    assert found.pk == user.pk


def test_an_access_token_expires_after_fifteen_minutes(clock):
    pair = signed_in(UserFactory.create(), now=clock.now)

    with pytest.raises(TokenError) as raised:
        user_for_access_token(
            token=pair.access_token, now=clock.now + timedelta(minutes=15)
        )

    assert raised.value.code == AccountErrorCode.TOKEN_EXPIRED
    assert raised.value.message == "The access token has expired; use tokenRefresh."


@pytest.mark.parametrize("token_case", ["refresh_case", "unknown_case", "foreign_case"])
def test_a_refresh_or_unknown_token_is_not_an_access_token(token_case, clock):
    pair = signed_in(UserFactory.create(), now=clock.now)
    token = {
        "refresh_case": pair.refresh_token,
        "unknown_case": "fsa_" + "y" * 43,
        "foreign_case": "eyJhbGciOi.jwt.token",
    }[token_case]

    with pytest.raises(TokenError) as raised:
        user_for_access_token(token=token, now=clock.now)

    assert raised.value.code == AccountErrorCode.INVALID_TOKEN


def test_user_by_email_costs_one_query_and_ignores_case():
    user = UserFactory.create(email="ada@example.com")

    with assert_num_queries(1):
        found = selectors.user_by_email(email=" ADA@Example.com")

    assert found == user


@pytest.mark.parametrize(
    "email", ["nobody@example.com", None], ids=["unknown_case", "known_case"]
)
def test_a_sign_in_candidate_is_one_query_for_known_and_unknown_emails(email, clock):
    user = UserFactory.create()

    with assert_num_queries(1):
        found, known = selectors.sign_in_candidate(
            email=email or user.email.upper(), address="192.0.2.10", now=clock.now
        )

    assert found == (None if email else user)
    assert known is False


def test_an_address_is_known_after_a_right_password_from_it(clock):
    user = UserFactory.create()
    signed_in(user, address="192.0.2.10", now=clock.now)

    found, known = selectors.sign_in_candidate(
        email=user.email, address="192.0.2.10", now=clock.now
    )

    assert (found, known) == (user, True)
