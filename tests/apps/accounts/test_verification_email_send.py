import pytest
from django.core import mail

from apps.accounts import services, tasks, tokens
from apps.accounts.errors import AccountError, AccountErrorCode
from apps.accounts.models import SentEmail
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def test_sends_one_email_with_a_working_link(clock):
    user = UserFactory.create(first_name="Ada", last_name="Lovelace", verified=False)

    sent = services.verification_email_send(user_id=user.pk, now=clock.now)

    assert sent is True
    assert len(mail.outbox) == 1
    (message,) = mail.outbox
    assert message.to == [user.email]
    assert "Hello Ada," in message.body
    token = message.body.split("verify-email?token=")[1].split()[0]
    assert tokens.verification_token_read(token) == (
        user.pk,
        user.email,
        int(clock.now.timestamp()),
    )


def test_running_the_task_twice_sends_one_email():
    user = UserFactory.create(verified=False)

    first = tasks.account_verification_email_send_task.call(user_id=user.pk)
    second = tasks.account_verification_email_send_task.call(user_id=user.pk)

    assert first is True
    assert second is False
    assert len(mail.outbox) == 1
    assert SentEmail.objects.filter(user=user).count() == 1


def test_a_verified_user_gets_no_email():
    user = UserFactory.create(verified=True)

    assert services.verification_email_send(user_id=user.pk) is False
    assert mail.outbox == []


def test_a_deleted_user_is_a_permanent_error_and_gets_no_email():
    user = UserFactory.create(verified=False)
    user_id = user.pk
    user.delete()

    with pytest.raises(AccountError) as raised:
        services.verification_email_send(user_id=user_id)

    assert raised.value.code == AccountErrorCode.USER_NOT_FOUND
    assert raised.value.retryable is False
    assert mail.outbox == []


def test_a_failed_send_can_be_retried(settings):
    user = UserFactory.create(verified=False)
    settings.EMAIL_VERIFICATION_URL = "{missing}"  # format() fails before sending

    with pytest.raises(KeyError):
        services.verification_email_send(user_id=user.pk)

    assert not SentEmail.objects.exists()
    settings.EMAIL_VERIFICATION_URL = "https://shop.example/verify?token={token}"
    assert services.verification_email_send(user_id=user.pk) is True
    assert len(mail.outbox) == 1
