from datetime import timedelta

import pytest

from apps.accounts import services, tokens
from apps.accounts.errors import AccountError, AccountErrorCode, TokenError
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def _token(user, now):
    return tokens.verification_token_make(user_id=user.pk, email=user.email, now=now)


def test_marks_the_email_verified(clock):
    user = UserFactory.create(verified=False)

    verified = services.account_verify_email(
        token=_token(user, clock.now), now=clock.now
    )

    user.refresh_from_db()
    assert verified.pk == user.pk
    assert user.email_verified_at == clock.now
    assert user.email_verified


def test_a_token_works_once(clock):
    user = UserFactory.create(verified=False)
    token = _token(user, clock.now)
    services.account_verify_email(token=token, now=clock.now)

    with pytest.raises(AccountError) as raised:
        services.account_verify_email(token=token, now=clock.advance(minutes=1))

    assert raised.value.code == AccountErrorCode.ALREADY_VERIFIED
    assert raised.value.message == "This email is already verified."


def test_a_token_expires_after_three_days(clock):
    user = UserFactory.create(verified=False)
    token = _token(user, clock.now)

    with pytest.raises(TokenError) as raised:
        services.account_verify_email(
            token=token, now=clock.now + timedelta(days=3, seconds=1)
        )

    assert raised.value.code == AccountErrorCode.TOKEN_EXPIRED
    user.refresh_from_db()
    assert user.email_verified_at is None


def test_a_token_just_inside_its_lifetime_works(clock):
    user = UserFactory.create(verified=False)

    services.account_verify_email(
        token=_token(user, clock.now), now=clock.now + timedelta(days=3)
    )

    user.refresh_from_db()
    assert user.email_verified


def test_a_token_for_a_previous_email_address_is_invalid(clock):
    user = UserFactory.create(email="old@example.com", verified=False)
    token = _token(user, clock.now)
    user.email = "new@example.com"
    user.save()

    with pytest.raises(TokenError) as raised:
        services.account_verify_email(token=token, now=clock.now)

    assert raised.value.code == AccountErrorCode.INVALID_TOKEN
    assert raised.value.message == "This verification link is not valid."


@pytest.mark.parametrize(
    "token",
    ["", "garbage", "eyJ1IjoxLCJlIjoiYUBiLmMiLCJ0IjoxfQ:1abc:forged"],
    ids=["empty_case", "garbage_case", "forged_case"],
)
def test_a_forged_or_malformed_token_is_invalid(token, clock):
    with pytest.raises(TokenError) as raised:
        services.account_verify_email(token=token, now=clock.now)

    assert raised.value.code == AccountErrorCode.INVALID_TOKEN


def test_a_token_signed_for_another_purpose_is_invalid(clock):
    from django.core import signing

    user = UserFactory.create(verified=False)
    token = signing.dumps(
        {"u": user.pk, "e": user.email, "t": int(clock.now.timestamp())}
    )

    with pytest.raises(TokenError) as raised:
        services.account_verify_email(token=token, now=clock.now)

    assert raised.value.code == AccountErrorCode.INVALID_TOKEN
