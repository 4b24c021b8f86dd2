import logging
import time
from datetime import timedelta

import pytest

from apps.accounts import services, tokens
from apps.accounts.errors import AccountError, AccountErrorCode, LoginThrottledError
from apps.accounts.models import ApiToken, KnownSignInAddress, TokenFamily
from tests.factories.accounts import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ADDRESS = "198.51.100.7"
HOME = "192.0.2.10"


def _sign_in(email, password=PASSWORD, *, address=ADDRESS, now):
    return services.token_create(
        email=email, password=password, client_address=address, now=now
    )


def _failures(email, count, *, address=ADDRESS, now):
    for _ in range(count):
        with pytest.raises(AccountError):
            _sign_in(email, "wrong password", address=address, now=now)


def _spread_failures(email, count, *, now):
    """Wrong passwords for `email` from `count` addresses, one from each."""
    for n in range(count):
        _failures(email, 1, address=f"203.0.113.{n + 1}", now=now)


def _checked(caplog):
    return [r for r in caplog.records if r.getMessage() == "sign-in password checked"]


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


def test_an_inactive_account_cannot_sign_in_and_says_so_no_differently(clock):
    user = UserFactory.create(is_active=False)

    with pytest.raises(AccountError) as raised:
        _sign_in(user.email, now=clock.now)

    assert raised.value.code == AccountErrorCode.INVALID_CREDENTIALS
    assert raised.value.message == "Wrong email or password."


def test_the_sixth_attempt_for_one_account_from_one_address_is_throttled(clock):
    user = UserFactory.create()
    _failures(user.email, 5, now=clock.now)

    with pytest.raises(LoginThrottledError) as raised:
        _sign_in(user.email, now=clock.now)

    assert raised.value.code == AccountErrorCode.THROTTLED
    # The pair's bucket refills one attempt every 180 seconds.
    assert raised.value.retry_after_seconds in range(175, 181)
    assert raised.value.message == (
        "Too many sign-in attempts. "
        f"Try again in {raised.value.retry_after_seconds} seconds."
    )


def test_successful_sign_ins_count_against_the_buckets_too(clock):
    user = UserFactory.create()
    for _ in range(5):
        _sign_in(user.email, now=clock.now)

    with pytest.raises(LoginThrottledError):
        _sign_in(user.email, now=clock.now)


def test_a_throttled_attempt_never_checks_the_password(clock, caplog):
    caplog.set_level(logging.INFO, logger="apps.accounts.services")
    user = UserFactory.create()
    _failures(user.email, 5, now=clock.now)

    for _ in range(3):
        with pytest.raises(LoginThrottledError):
            _sign_in(user.email, now=clock.now)

    assert len(_checked(caplog)) == 5


def test_the_throttle_lifts_as_the_bucket_refills(clock, settings):
    settings.AUTH_LOGIN_THROTTLE_WINDOW = timedelta(seconds=0.5)  # 1 per 0.1 s
    user = UserFactory.create()
    _failures(user.email, 5, now=clock.now)
    with pytest.raises(LoginThrottledError):
        _sign_in(user.email, now=clock.now)

    time.sleep(0.15)

    assert _sign_in(user.email, now=clock.now).user_id == user.pk


def test_the_owner_signs_in_from_another_address_while_an_attacker_is_throttled(
    clock,
):
    user = UserFactory.create()
    _failures(user.email, 5, address="203.0.113.66", now=clock.now)

    pair = _sign_in(user.email, address=HOME, now=clock.now)

    assert pair.user_id == user.pk


def test_unknown_emails_are_throttled_like_known_ones(clock, caplog):
    caplog.set_level(logging.INFO, logger="apps.accounts.services")
    _failures("nobody@example.com", 5, now=clock.now)

    with pytest.raises(AccountError) as raised:
        _sign_in("nobody@example.com", now=clock.now)

    assert raised.value.code == AccountErrorCode.THROTTLED
    assert len(_checked(caplog)) == 5


def test_fifty_attempts_from_one_address_throttle_every_account_from_it(clock):
    user = UserFactory.create()
    for n in range(10):
        _failures(f"victim{n}@example.com", 5, now=clock.now)

    with pytest.raises(AccountError) as raised:
        _sign_in(user.email, now=clock.now)

    assert raised.value.code == AccountErrorCode.THROTTLED
    assert _sign_in(user.email, address=HOME, now=clock.now).user_id == user.pk


def test_ten_attempts_from_many_addresses_throttle_the_account_from_new_ones(clock):
    user = UserFactory.create()
    _spread_failures(user.email, 10, now=clock.now)

    with pytest.raises(LoginThrottledError) as raised:
        _sign_in(user.email, address=HOME, now=clock.now)

    # The account's bucket refills one attempt every 90 seconds.
    assert raised.value.retry_after_seconds in range(85, 91)


def test_the_owner_signs_in_from_a_known_address_while_the_account_is_attacked(
    clock,
):
    user = UserFactory.create()
    _sign_in(user.email, address=HOME, now=clock.now)
    _spread_failures(user.email, 10, now=clock.now)

    pair = _sign_in(user.email, address=HOME, now=clock.now)

    assert pair.user_id == user.pk


def test_a_wrong_password_does_not_make_an_address_known(clock):
    user = UserFactory.create()
    _failures(user.email, 1, address=HOME, now=clock.now)
    _spread_failures(user.email, 9, now=clock.now)

    with pytest.raises(LoginThrottledError):
        _sign_in(user.email, address=HOME, now=clock.now)


def test_an_address_is_forgotten_90_days_after_its_last_sign_in(clock):
    user = UserFactory.create()
    _sign_in(user.email, address=HOME, now=clock.now)
    later = clock.advance(days=90, seconds=1)
    _spread_failures(user.email, 10, now=later)

    with pytest.raises(LoginThrottledError):
        _sign_in(user.email, address=HOME, now=later)


def test_refused_attempts_do_not_spend_the_address_allowance(clock):
    other = UserFactory.create()
    _failures("victim@example.com", 5, now=clock.now)
    for _ in range(50):
        with pytest.raises(LoginThrottledError):
            _sign_in("victim@example.com", now=clock.now)

    assert _sign_in(other.email, now=clock.now).user_id == other.pk


def test_each_checked_password_is_logged_without_the_typed_email(clock, caplog):
    caplog.set_level(logging.INFO, logger="apps.accounts.services")
    user = UserFactory.create()

    _failures(user.email, 1, now=clock.now)
    _failures("Sekret-Horse@example.com", 1, now=clock.now)

    wrong, unknown = _checked(caplog)
    assert (wrong.outcome, wrong.user_id, wrong.client_address) == (
        "failure",
        user.pk,
        ADDRESS,
    )
    assert (unknown.outcome, unknown.user_id) == ("failure", None)
    assert "sekret" not in caplog.text.lower()


def test_an_address_that_is_not_an_ip_is_throttled_but_never_known(clock):
    user = UserFactory.create()

    pair = _sign_in(user.email, address="unknown", now=clock.now)

    assert pair.user_id == user.pk
    assert not KnownSignInAddress.objects.exists()


def test_an_email_longer_than_any_account_is_a_wrong_email(clock):
    long_email = "a" * 300 + "@example.com"

    with pytest.raises(AccountError) as raised:
        _sign_in(long_email, now=clock.now)

    assert raised.value.code == AccountErrorCode.INVALID_CREDENTIALS


def test_an_over_long_email_cannot_sign_in_to_the_account_it_starts_with(clock):
    user = UserFactory.create(email="a" * 242 + "@example.com")
    assert len(user.email) == 254

    with pytest.raises(AccountError) as raised:
        _sign_in(user.email + "x", now=clock.now)

    assert raised.value.code == AccountErrorCode.INVALID_CREDENTIALS


def test_over_long_emails_are_throttled_like_other_wrong_emails(clock, settings):
    settings.AUTH_LOGIN_ATTEMPTS_PER_ACCOUNT_AND_ADDRESS = 3
    long_email = "b" * 300 + "@example.com"
    _failures(long_email, 3, now=clock.now)

    with pytest.raises(LoginThrottledError):
        _sign_in(long_email, now=clock.now)
