from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync

from apps.accounts import selectors, services
from apps.accounts.errors import AccountErrorCode, TokenError
from apps.accounts.models import TokenFamily
from tests.factories.accounts import UserFactory, signed_in

pytestmark = pytest.mark.django_db

# Sync tests: the async selector runs on this thread's connection (and transaction).
user_for_access_token = async_to_sync(selectors.auser_for_access_token)


def test_rotates_to_a_new_pair_in_the_same_family(clock):
    user = UserFactory.create()
    first = signed_in(user, now=clock.now)

    second = services.token_refresh(
        refresh_token=first.refresh_token, now=clock.advance(minutes=10)
    )

    assert second.user_id == user.pk
    assert second.access_token != first.access_token
    assert second.refresh_token != first.refresh_token
    assert second.access_expires_at == clock.now + timedelta(minutes=15)
    assert second.refresh_expires_at == clock.now + timedelta(days=30)
    assert TokenFamily.objects.get().tokens.count() == 4


def test_reusing_a_rotated_refresh_token_revokes_the_whole_family(clock):
    user = UserFactory.create()
    first = signed_in(user, now=clock.now)
    second = services.token_refresh(refresh_token=first.refresh_token, now=clock.now)

    with pytest.raises(TokenError) as raised:
        services.token_refresh(refresh_token=first.refresh_token, now=clock.now)

    assert raised.value.code == AccountErrorCode.TOKEN_REUSED
    assert raised.value.message == (
        "This refresh token was already used; the session has been revoked. "
        "Sign in again."
    )
    family = TokenFamily.objects.get()
    assert family.revoked_at == clock.now
    assert family.revoked_reason == "reuse"
    with pytest.raises(TokenError) as after:
        services.token_refresh(refresh_token=second.refresh_token, now=clock.now)
    assert after.value.code == AccountErrorCode.INVALID_TOKEN


def test_reuse_also_ends_the_newest_access_token(clock):

    user = UserFactory.create()
    first = signed_in(user, now=clock.now)
    second = services.token_refresh(refresh_token=first.refresh_token, now=clock.now)
    with pytest.raises(TokenError):
        services.token_refresh(refresh_token=first.refresh_token, now=clock.now)

    with pytest.raises(TokenError) as raised:
        user_for_access_token(token=second.access_token, now=clock.now)

    assert raised.value.code == AccountErrorCode.INVALID_TOKEN


def test_other_families_of_the_user_survive_a_reuse(clock):
    user = UserFactory.create()
    phone = signed_in(user, now=clock.now)
    laptop = signed_in(user, now=clock.now)
    services.token_refresh(refresh_token=phone.refresh_token, now=clock.now)

    with pytest.raises(TokenError):
        services.token_refresh(refresh_token=phone.refresh_token, now=clock.now)

    renewed = services.token_refresh(refresh_token=laptop.refresh_token, now=clock.now)
    assert renewed.user_id == user.pk


def test_an_expired_refresh_token_is_refused(clock):
    pair = signed_in(UserFactory.create(), now=clock.now)

    with pytest.raises(TokenError) as raised:
        services.token_refresh(
            refresh_token=pair.refresh_token, now=clock.advance(days=30)
        )

    assert raised.value.code == AccountErrorCode.TOKEN_EXPIRED
    assert raised.value.message == "The refresh token has expired."


@pytest.mark.parametrize(
    "token_case", ["unknown_case", "access_token_case", "empty_case"]
)
def test_an_unknown_token_or_an_access_token_is_invalid(token_case, clock):
    pair = signed_in(UserFactory.create(), now=clock.now)
    token = {
        "unknown_case": "fsr_" + "x" * 43,
        "access_token_case": pair.access_token,
        "empty_case": "",
    }[token_case]

    with pytest.raises(TokenError) as raised:
        services.token_refresh(refresh_token=token, now=clock.now)

    assert raised.value.code == AccountErrorCode.INVALID_TOKEN
    assert raised.value.message == "The token is not valid."


def test_a_deactivated_user_cannot_refresh(clock):
    user = UserFactory.create()
    pair = signed_in(user, now=clock.now)
    user.is_active = False
    user.save()

    with pytest.raises(TokenError) as raised:
        services.token_refresh(refresh_token=pair.refresh_token, now=clock.now)

    assert raised.value.code == AccountErrorCode.INVALID_TOKEN


def test_sign_ins_whose_every_token_expired_are_purged_and_live_ones_kept(clock):
    stale = signed_in(UserFactory.create(), now=clock.now)
    live_user = UserFactory.create()
    first = signed_in(live_user, now=clock.now)
    clock.advance(days=29)
    # Rotated: the old refresh token stays, used, to recognise a replay.
    services.token_refresh(refresh_token=first.refresh_token, now=clock.now)

    purged = services.tokens_expired_purge(now=clock.advance(days=2))

    assert purged == 1
    (family,) = TokenFamily.objects.all()
    assert family.user_id == live_user.pk
    assert family.tokens.count() == 4
    assert stale.user_id != live_user.pk
