import pytest
from django.core import mail

from apps.accounts import services
from apps.accounts.errors import (
    AccountError,
    AccountErrorCode,
    RegistrationThrottledError,
)
from apps.accounts.models import SentEmail, User
from apps.core.idempotency import IdempotencyError, IdempotencyErrorCode
from apps.core.models import IdempotencyRecord
from tests.factories.accounts import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ADDRESS = "198.51.100.7"


def test_creates_an_unverified_customer_with_the_email_lower_cased(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        user = services.account_register(
            client_address=ADDRESS,
            email="  Ada.Lovelace@Example.COM ",
            password=PASSWORD,
            first_name=" Ada ",
            last_name=" Lovelace ",
        )

    saved = User.objects.get(pk=user.pk)
    assert saved.email == "ada.lovelace@example.com"
    assert (saved.first_name, saved.last_name) == ("Ada", "Lovelace")
    assert saved.check_password(PASSWORD)
    assert not saved.is_staff
    assert saved.email_verified_at is None


def test_sends_the_verification_email_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        user = services.account_register(
            client_address=ADDRESS, email="ada@example.com", password=PASSWORD
        )

    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    (message,) = mail.outbox
    assert isinstance(message, mail.EmailMultiAlternatives)
    assert message.to == [user.email]
    assert message.subject == "Confirm your email address for Fashionistar"
    assert "verify-email?token=" in message.body
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    assert "verify-email?token=" in str(html)
    assert SentEmail.objects.filter(user=user).count() == 1


def test_nothing_is_sent_when_the_transaction_rolls_back(
    django_capture_on_commit_callbacks,
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(AccountError),
    ):
        services.account_register(
            client_address=ADDRESS, email="not-an-email", password=PASSWORD
        )

    assert callbacks == []
    assert mail.outbox == []


@pytest.mark.parametrize(
    "taken_case",
    ["shopper@example.com", "SHOPPER@example.com", " Shopper@Example.com"],
)
def test_rejects_an_email_taken_in_any_case(taken_case):
    UserFactory.create(email="shopper@example.com")

    with pytest.raises(AccountError) as raised:
        services.account_register(
            client_address=ADDRESS, email=taken_case, password=PASSWORD
        )

    assert raised.value.code == AccountErrorCode.EMAIL_TAKEN
    assert raised.value.field == "email"
    assert raised.value.message == "An account with this email already exists."
    assert User.objects.count() == 1


def test_rejects_an_email_taken_in_another_case_by_a_legacy_row():
    User.objects.create_user("Mixed.Case@example.com", PASSWORD)

    with pytest.raises(AccountError) as raised:
        services.account_register(
            client_address=ADDRESS, email="mixed.case@EXAMPLE.com", password=PASSWORD
        )

    assert raised.value.code == AccountErrorCode.EMAIL_TAKEN


@pytest.mark.parametrize("email", ["", "no-at-sign", "a@b", "two@@example.com"])
def test_rejects_an_invalid_email(email):
    with pytest.raises(AccountError) as raised:
        services.account_register(
            client_address=ADDRESS, email=email, password=PASSWORD
        )

    assert raised.value.code == AccountErrorCode.INVALID_EMAIL
    assert raised.value.field == "email"
    assert raised.value.message == "Enter a valid email address."


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short1!", "too short"),
        ("12345678901", "entirely numeric"),
        ("password123", "too common"),
        ("ada.lovelace", "too similar"),
    ],
    ids=["short_case", "numeric_case", "common_case", "similar_case"],
)
def test_applies_django_password_validators(password, reason):
    with pytest.raises(AccountError) as raised:
        services.account_register(
            client_address=ADDRESS, email="ada.lovelace@example.com", password=password
        )

    assert raised.value.code == AccountErrorCode.PASSWORD_INVALID
    assert raised.value.field == "password"
    assert reason in raised.value.message
    assert not User.objects.exists()


@pytest.mark.parametrize("field", ["first_name", "last_name"])
def test_rejects_a_name_over_200_characters(field):
    names = {"first_name": "", "last_name": "", field: "x" * 201}

    with pytest.raises(AccountError) as raised:
        services.account_register(
            client_address=ADDRESS,
            email="ada@example.com",
            password=PASSWORD,
            first_name=names["first_name"],
            last_name=names["last_name"],
        )

    assert raised.value.code == AccountErrorCode.NAME_TOO_LONG
    assert raised.value.field == field
    assert not User.objects.exists()


def test_the_password_may_not_resemble_the_first_name():
    with pytest.raises(AccountError) as raised:
        services.account_register(
            client_address=ADDRESS,
            email="ada@example.com",
            password="Wilhelmina1",
            first_name="Wilhelmina",
        )

    assert raised.value.code == AccountErrorCode.PASSWORD_INVALID
    assert "too similar" in raised.value.message


def test_a_retry_with_the_same_key_returns_the_first_account_and_one_email(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.account_register(
            client_address=ADDRESS,
            email="ada@example.com",
            password=PASSWORD,
            idempotency_key="k-1",
        )
        again = services.account_register(
            client_address=ADDRESS,
            email=" ADA@example.com",
            password=PASSWORD,
            idempotency_key="k-1",
        )

    assert again.pk == first.pk
    assert User.objects.count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    "change",
    [{"first_name": "Someone"}, {"last_name": "Else"}, {"password": PASSWORD + "x"}],
    ids=["first_name_case", "last_name_case", "password_case"],
)
def test_the_same_key_with_another_request_is_refused(change):
    services.account_register(
        client_address=ADDRESS,
        email="ada@example.com",
        password=PASSWORD,
        idempotency_key="k-1",
    )

    with pytest.raises(IdempotencyError) as caught:
        services.account_register(
            client_address=ADDRESS,
            email="ada@example.com",
            **{"password": PASSWORD, **change},
            idempotency_key="k-1",
        )

    assert caught.value.code == IdempotencyErrorCode.IDEMPOTENCY_KEY_REUSED
    assert caught.value.field == "idempotency_key"


def test_a_failed_keyed_registration_leaves_the_key_free():
    with pytest.raises(AccountError):
        services.account_register(
            client_address=ADDRESS,
            email="ada@example.com",
            password="123",
            idempotency_key="k-1",
        )

    user = services.account_register(
        client_address=ADDRESS,
        email="ada@example.com",
        password=PASSWORD,
        idempotency_key="k-1",
    )

    assert user.email == "ada@example.com"


def test_the_password_is_not_stored_in_the_idempotency_record():
    services.account_register(
        client_address=ADDRESS,
        email="ada@example.com",
        password=PASSWORD,
        idempotency_key="k-1",
    )

    record = IdempotencyRecord.objects.get(key="k-1")
    assert PASSWORD not in str(record.response)
    assert record.response == {"user_id": User.objects.get().pk}


# Registrations per address ----------------------------------------------------


def _register_many(count, *, address=ADDRESS):
    for n in range(count):
        services.account_register(
            client_address=address, email=f"new{n}@example.com", password=PASSWORD
        )


def test_the_eleventh_registration_from_an_address_within_an_hour_is_throttled():
    _register_many(10)

    with pytest.raises(RegistrationThrottledError) as raised:
        services.account_register(
            client_address=ADDRESS, email="one-more@example.com", password=PASSWORD
        )

    assert raised.value.code == AccountErrorCode.THROTTLED
    # The bucket refills one registration every 6 minutes.
    assert raised.value.retry_after_seconds in range(355, 361)
    assert raised.value.message == (
        "Too many accounts registered from this address. "
        f"Try again in {raised.value.retry_after_seconds} seconds."
    )
    assert User.objects.count() == 10


def test_failed_registrations_count_against_the_address():
    for _ in range(10):
        with pytest.raises(AccountError):
            services.account_register(
                client_address=ADDRESS, email="not-an-email", password=PASSWORD
            )

    with pytest.raises(RegistrationThrottledError):
        services.account_register(
            client_address=ADDRESS, email="ada@example.com", password=PASSWORD
        )


def test_registrations_from_another_address_are_not_throttled():
    _register_many(10)

    user = services.account_register(
        client_address="192.0.2.10", email="ada@example.com", password=PASSWORD
    )

    assert user.email == "ada@example.com"


def test_a_replayed_registration_is_not_counted():
    services.account_register(
        client_address=ADDRESS,
        email="ada@example.com",
        password=PASSWORD,
        idempotency_key="signup-1",
    )
    for _ in range(10):
        services.account_register(
            client_address=ADDRESS,
            email="ada@example.com",
            password=PASSWORD,
            idempotency_key="signup-1",
        )

    _register_many(9)  # the first registration and nine more make ten

    assert User.objects.count() == 10


def test_trusted_callers_without_an_address_are_not_throttled():
    for n in range(11):
        services.account_register(
            client_address=None, email=f"seeded{n}@example.com", password=PASSWORD
        )

    assert User.objects.count() == 11
