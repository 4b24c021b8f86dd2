from datetime import timedelta

import pytest

from apps.accounts import services, tokens
from apps.accounts.errors import AccountError, AccountErrorCode, LoginThrottledError
from apps.accounts.models import ApiToken, LoginFailure, TokenFamily
from tests.factories.accounts import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ADDRESS = "198.51.100.7"


def _sign_in(email, password=PASSWORD, *, address=ADDRESS, now):
    return services.token_create(
        email=email, password=password, client_address=address, now=now
    )


def _failures(email, count, *, address=ADDRESS, now):
    for _ in range(count):
        with pytest.raises(AccountError):
            _sign_in(email, "wrong password", address=address, now=now)


def test_issues_an_access_and_a_refresh_token_stored_only_as_hashes(clock):
    user = UserFactory.create()

    pair = _sign_in(user.email.upper(), now=clock.now)

    assert pair.user_id == user.pk
    assert pair.access_token.startswith("fsa_")
    assert pair.refresh_token.startswith("fsr_")
    assert pair.access_expires_at == clock.now + timedelta(minutes=15)
    assert pair.refresh_expires_at == clock.now + timedelta(days=30)
    family = TokenFamily.objects.get(user=user)
    stored = {
        token.kind: token.digest for token in ApiToken.objects.filter(family=family)
    }
    assert stored == {
        ApiToken.Kind.ACCESS: tokens.token_digest(pair.access_token),
        ApiToken.Kind.REFRESH: tokens.token_digest(pair.refresh_token),
    }
    assert not ApiToken.objects.filter(digest=pair.access_token).exists()
    user.refresh_from_db()
    assert user.last_login == clock.now


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("nobody@example.com", PASSWORD),
        ("shopper@example.com", "wrong password"),
    ],
    ids=["unknown_email_case", "wrong_password_case"],
)
def test_gives_one_error_for_unknown_email_and_wrong_password(email, password, clock):
    UserFactory.create(email="shopper@example.com")

    with pytest.raises(AccountError) as raised:
        _sign_in(email, password, now=clock.now)

    assert raised.value.code == AccountErrorCode.INVALID_CREDENTIALS
    assert raised.value.message == "Wrong email or password."
    assert raised.value.field is None
    assert LoginFailure.objects.get().email == email


def test_an_inactive_account_cannot_sign_in_and_says_so_no_differently(clock):
    user = UserFactory.create(is_active=False)

    with pytest.raises(AccountError) as raised:
        _sign_in(user.email, now=clock.now)

    assert raised.value.code == AccountErrorCode.INVALID_CREDENTIALS
    assert raised.value.message == "Wrong email or password."


def test_five_failures_for_one_account_from_one_address_throttle_it(clock):
    user = UserFactory.create()
    _failures(user.email, 5, now=clock.now)

    with pytest.raises(LoginThrottledError) as raised:
        _sign_in(user.email, now=clock.advance(minutes=1))

    assert raised.value.code == AccountErrorCode.THROTTLED
    assert raised.value.message == (
        "Too many failed sign-in attempts. Try again in 840 seconds."
    )
    assert raised.value.retry_after_seconds == 840
    assert LoginFailure.objects.count() == 5  # refused attempts are not counted


def test_the_throttle_lifts_when_the_failures_leave_the_window(clock):
    user = UserFactory.create()
    _failures(user.email, 5, now=clock.now)

    pair = _sign_in(user.email, now=clock.advance(minutes=15, seconds=1))

    assert pair.user_id == user.pk


def test_the_owner_signs_in_from_another_address_while_an_attacker_is_throttled(
    clock,
):
    user = UserFactory.create()
    _failures(user.email, 5, address="203.0.113.66", now=clock.now)

    pair = _sign_in(user.email, address="192.0.2.10", now=clock.now)

    assert pair.user_id == user.pk


def test_unknown_emails_are_throttled_like_known_ones(clock):
    _failures("nobody@example.com", 5, now=clock.now)

    with pytest.raises(AccountError) as raised:
        _sign_in("nobody@example.com", now=clock.now)

    assert raised.value.code == AccountErrorCode.THROTTLED


def test_fifty_failures_from_one_address_throttle_every_account_from_it(clock):
    user = UserFactory.create()
    for n in range(10):
        _failures(f"victim{n}@example.com", 5, now=clock.now)

    with pytest.raises(AccountError) as raised:
        _sign_in(user.email, now=clock.now)

    assert raised.value.code == AccountErrorCode.THROTTLED
    assert _sign_in(user.email, address="192.0.2.10", now=clock.now).user_id == user.pk


def test_success_clears_the_failures_of_that_account_and_address(clock):
    user = UserFactory.create()
    _failures(user.email, 4, now=clock.now)
    _failures(user.email, 2, address="203.0.113.66", now=clock.now)

    _sign_in(user.email, now=clock.now)

    assert list(LoginFailure.objects.values_list("address", flat=True)) == [
        "203.0.113.66",
        "203.0.113.66",
    ]
    _failures(user.email, 4, now=clock.now)  # a fresh allowance of five
    assert _sign_in(user.email, now=clock.now).user_id == user.pk


def test_failures_outside_the_window_are_deleted(clock):
    _failures("a@example.com", 3, now=clock.now)

    _failures("b@example.com", 1, now=clock.advance(minutes=16))

    assert list(LoginFailure.objects.values_list("email", flat=True)) == [
        "b@example.com"
    ]


def test_an_email_longer_than_any_account_is_a_counted_wrong_email(clock):
    long_email = "a" * 300 + "@example.com"

    with pytest.raises(AccountError) as raised:
        _sign_in(long_email, now=clock.now)

    assert raised.value.code == AccountErrorCode.INVALID_CREDENTIALS
    (failure,) = LoginFailure.objects.all()
    assert failure.email == long_email[:254]
    assert failure.address == ADDRESS


def test_an_over_long_email_cannot_sign_in_to_the_account_it_starts_with(clock):
    # The throttle keys on the first 254 characters; the account lookup must not.
    user = UserFactory.create(email="a" * 242 + "@example.com")
    assert len(user.email) == 254

    with pytest.raises(AccountError) as raised:
        _sign_in(user.email + "x", now=clock.now)

    assert raised.value.code == AccountErrorCode.INVALID_CREDENTIALS


def test_over_long_emails_are_throttled_like_other_wrong_emails(clock, settings):
    settings.AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS = 3
    long_email = "b" * 300 + "@example.com"
    _failures(long_email, 3, now=clock.now)

    with pytest.raises(LoginThrottledError):
        _sign_in(long_email, now=clock.now)
