import pytest
from asgiref.sync import async_to_sync

from apps.accounts import selectors, services
from apps.accounts.errors import AccountErrorCode, TokenError
from apps.accounts.models import TokenFamily
from tests.factories.accounts import UserFactory, signed_in

pytestmark = pytest.mark.django_db

# Sync tests: the async selector runs on this thread's connection (and transaction).
user_for_access_token = async_to_sync(selectors.auser_for_access_token)


def test_revokes_the_family_of_the_refresh_token(clock):
    pair = signed_in(UserFactory.create(), now=clock.now)

    services.token_revoke(refresh_token=pair.refresh_token, now=clock.now)

    family = TokenFamily.objects.get()
    assert family.revoked_at == clock.now
    assert family.revoked_reason == "sign-out"
    with pytest.raises(TokenError) as raised:
        services.token_refresh(refresh_token=pair.refresh_token, now=clock.now)
    assert raised.value.code == AccountErrorCode.INVALID_TOKEN


def test_the_access_token_stops_working_at_once(clock):
    user = UserFactory.create()
    pair = signed_in(user, now=clock.now)
    assert (user_for_access_token(token=pair.access_token)).pk == user.pk

    services.token_revoke(refresh_token=pair.refresh_token)

    with pytest.raises(TokenError) as raised:
        user_for_access_token(token=pair.access_token)
    assert raised.value.code == AccountErrorCode.INVALID_TOKEN


def test_revoking_twice_succeeds_and_keeps_the_first_time(clock):
    pair = signed_in(UserFactory.create(), now=clock.now)
    first = clock.now
    services.token_revoke(refresh_token=pair.refresh_token, now=first)

    services.token_revoke(refresh_token=pair.refresh_token, now=clock.advance(hours=1))

    assert TokenFamily.objects.get().revoked_at == first


def test_an_unknown_token_is_invalid(clock):
    with pytest.raises(TokenError) as raised:
        services.token_revoke(refresh_token="fsr_unknown", now=clock.now)

    assert raised.value.code == AccountErrorCode.INVALID_TOKEN
