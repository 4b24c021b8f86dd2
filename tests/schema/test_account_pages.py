"""The account pages: a forgotten password, a changed one, the customer's names.

Through the real /graphql/ endpoint; the reset email is sent by its job.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from apps.accounts.errors import TokenError
from apps.accounts.services import token_refresh
from tests.factories.accounts import PASSWORD, UserFactory, signed_in
from tests.support.graphql import error_codes, gql, request

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "another-Sturdy-phrase-42"
REQUEST = """mutation ($email: String!) {
  requestPasswordReset(email: $email) { errors { field code message } } }"""
SET = """mutation ($token: String!, $password: String!) {
  setPassword(token: $token, password: $password) {
    user { email } errors { field code } } }"""
CHANGE = """mutation ($old: String!, $new: String!) {
  passwordChange(oldPassword: $old, newPassword: $new) {
    user { email } errors { field code } } }"""
UPDATE = """mutation ($first: String, $last: String) {
  accountUpdate(firstName: $first, lastName: $last) {
    user { firstName lastName } errors { field code } } }"""
SIGN_IN = """mutation ($email: String!, $password: String!) {
  tokenCreate(email: $email, password: $password) { accessToken errors { code } } }"""


def _reset_link_token(client, email: str, capture) -> str:
    with capture(execute=True):
        body = gql(client, REQUEST, {"email": email})
    assert body["data"]["requestPasswordReset"]["errors"] == []
    (message,) = mail.outbox
    assert message.to == [email]
    return message.body.split("reset-password?token=")[1].split()[0]


def _signs_in(client, email: str, password: str) -> bool:
    answer = gql(client, SIGN_IN, {"email": email, "password": password})
    return bool(answer["data"]["tokenCreate"]["errors"] == [])


def test_a_reset_link_sets_a_new_password(
    gql_client, django_capture_on_commit_callbacks
):
    user = UserFactory.create()
    token = _reset_link_token(
        gql_client, user.email, django_capture_on_commit_callbacks
    )

    body = gql(gql_client, SET, {"token": token, "password": NEW_PASSWORD})

    assert body["data"]["setPassword"] == {"user": {"email": user.email}, "errors": []}
    assert _signs_in(gql_client, user.email, NEW_PASSWORD)
    assert not _signs_in(gql_client, user.email, PASSWORD)


def test_a_reset_link_works_once(gql_client, django_capture_on_commit_callbacks):
    user = UserFactory.create()
    token = _reset_link_token(
        gql_client, user.email, django_capture_on_commit_callbacks
    )
    gql(gql_client, SET, {"token": token, "password": NEW_PASSWORD})

    again = gql(gql_client, SET, {"token": token, "password": "yet-Another-phrase-7"})

    assert again["data"]["setPassword"]["errors"] == [
        {"field": None, "code": "INVALID_TOKEN"}
    ]
    assert _signs_in(gql_client, user.email, NEW_PASSWORD)


def test_a_reset_link_expires_after_an_hour(
    gql_client, django_capture_on_commit_callbacks
):
    user = UserFactory.create()
    token = _reset_link_token(
        gql_client, user.email, django_capture_on_commit_callbacks
    )

    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        body = gql(gql_client, SET, {"token": token, "password": NEW_PASSWORD})

    assert body["data"]["setPassword"]["errors"][0]["code"] == "INVALID_TOKEN"


def test_an_unknown_email_gets_the_same_answer_and_no_mail(
    gql_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        body = gql(gql_client, REQUEST, {"email": "nobody@example.com"})

    assert body["data"]["requestPasswordReset"] == {"errors": []}
    assert mail.outbox == []


def test_a_forged_token_is_refused(gql_client):
    user = UserFactory.create()

    body = gql(
        gql_client, SET, {"token": f"{user.pk}.forged-token", "password": NEW_PASSWORD}
    )

    assert body["data"]["setPassword"]["errors"][0]["code"] == "INVALID_TOKEN"
    assert _signs_in(gql_client, user.email, PASSWORD)


def test_a_weak_new_password_is_refused_and_the_link_still_works(
    gql_client, django_capture_on_commit_callbacks
):
    user = UserFactory.create()
    token = _reset_link_token(
        gql_client, user.email, django_capture_on_commit_callbacks
    )

    weak = gql(gql_client, SET, {"token": token, "password": "12345678"})
    strong = gql(gql_client, SET, {"token": token, "password": NEW_PASSWORD})

    assert weak["data"]["setPassword"]["errors"][0] == {
        "field": "password",
        "code": "PASSWORD_INVALID",
    }
    assert strong["data"]["setPassword"]["errors"] == []


def test_setting_a_password_signs_out_every_session(
    gql_client, django_capture_on_commit_callbacks
):
    user = UserFactory.create()
    sessions = [signed_in(user), signed_in(user)]
    token = _reset_link_token(
        gql_client, user.email, django_capture_on_commit_callbacks
    )

    gql(gql_client, SET, {"token": token, "password": NEW_PASSWORD})

    for session in sessions:
        with pytest.raises(TokenError):
            token_refresh(refresh_token=session.refresh_token)
        me = request(gql_client, "{ me { email } }", bearer=session.access_token).json()
        assert error_codes(me) == ["INVALID_TOKEN"]


def test_reset_requests_for_one_email_are_throttled(gql_client):
    user = UserFactory.create()
    for _ in range(3):
        gql(gql_client, REQUEST, {"email": user.email})

    fourth = gql(gql_client, REQUEST, {"email": user.email})

    assert fourth["data"]["requestPasswordReset"]["errors"][0]["code"] == "THROTTLED"


def test_a_password_change_keeps_this_session_and_ends_the_others(gql_client):
    user = UserFactory.create()
    this, other = signed_in(user), signed_in(user)

    body = request(
        gql_client,
        CHANGE,
        {"old": PASSWORD, "new": NEW_PASSWORD},
        bearer=this.access_token,
    ).json()

    assert body["data"]["passwordChange"] == {
        "user": {"email": user.email},
        "errors": [],
    }
    assert token_refresh(refresh_token=this.refresh_token).access_token
    with pytest.raises(TokenError):
        token_refresh(refresh_token=other.refresh_token)
    assert _signs_in(gql_client, user.email, NEW_PASSWORD)


def test_a_password_change_needs_the_current_password(gql_client):
    user = UserFactory.create()
    session = signed_in(user)

    body = request(
        gql_client,
        CHANGE,
        {"old": "not-it", "new": NEW_PASSWORD},
        bearer=session.access_token,
    ).json()

    assert body["data"]["passwordChange"]["errors"] == [
        {"field": "oldPassword", "code": "INVALID_CREDENTIALS"}
    ]
    assert _signs_in(gql_client, user.email, PASSWORD)


def test_a_password_change_needs_a_signed_in_user(gql_client):
    body = gql(
        gql_client, CHANGE, {"old": PASSWORD, "new": NEW_PASSWORD}, expect_errors=True
    )

    assert error_codes(body) == ["UNAUTHENTICATED"]


def test_account_update_changes_the_names_given_and_keeps_the_others(gql_client):
    user = UserFactory.create(first_name="Ada", last_name="Byron")
    session = signed_in(user)

    body = request(
        gql_client, UPDATE, {"last": "  Lovelace "}, bearer=session.access_token
    ).json()

    assert body["data"]["accountUpdate"] == {
        "user": {"firstName": "Ada", "lastName": "Lovelace"},
        "errors": [],
    }


def test_account_update_refuses_a_name_longer_than_the_column(gql_client):
    session = signed_in(UserFactory.create())

    body = request(
        gql_client, UPDATE, {"first": "x" * 201}, bearer=session.access_token
    ).json()

    assert "data" not in body
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == "firstName"


RESEND = "mutation { sendConfirmationEmail { errors { field code } } }"


def test_an_unverified_user_gets_a_new_verification_link(
    gql_client, django_capture_on_commit_callbacks
):
    user = UserFactory.create(verified=False)
    session = signed_in(user)

    with django_capture_on_commit_callbacks(execute=True):
        body = request(gql_client, RESEND, bearer=session.access_token).json()

    assert body["data"]["sendConfirmationEmail"] == {"errors": []}
    (message,) = mail.outbox
    assert message.to == [user.email]
    assert "verify-email?token=" in message.body


def test_a_verified_user_is_told_so_and_sent_nothing(
    gql_client, django_capture_on_commit_callbacks
):
    session = signed_in(UserFactory.create())

    with django_capture_on_commit_callbacks(execute=True):
        body = request(gql_client, RESEND, bearer=session.access_token).json()

    assert body["data"]["sendConfirmationEmail"]["errors"] == [
        {"field": None, "code": "ALREADY_VERIFIED"}
    ]
    assert mail.outbox == []


def test_verification_resends_are_throttled(gql_client):
    session = signed_in(UserFactory.create(verified=False))
    for _ in range(3):
        request(gql_client, RESEND, bearer=session.access_token)

    fourth = request(gql_client, RESEND, bearer=session.access_token)

    assert fourth.json()["data"]["sendConfirmationEmail"]["errors"][0]["code"] == (
        "THROTTLED"
    )
    assert fourth["Retry-After"]
