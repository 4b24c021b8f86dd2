"""/admin/login/ over HTTP (Django's test client): the sign-in buckets apply."""

from __future__ import annotations

import logging

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client

from apps.accounts import services
from apps.accounts.errors import InvalidCredentialsError
from tests.factories.accounts import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"


def _log_in(client: Client, email: str, password: str = PASSWORD):
    return client.post(
        f"{LOGIN}?next=/admin/", {"username": email, "password": password}
    )


def _wrong(client: Client, email: str, count: int) -> None:
    for _ in range(count):
        assert _log_in(client, email, "wrong password").status_code == 200


def test_a_staff_member_logs_in_to_the_admin(client):
    staff = UserFactory.create(staff=True)

    response = _log_in(client, staff.email)

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.session[SESSION_KEY] == str(staff.pk)


def test_a_wrong_admin_password_shows_the_usual_error(client):
    staff = UserFactory.create(staff=True)

    response = _log_in(client, staff.email, "wrong password")

    assert response.status_code == 200
    assert "Please enter the correct email and password for a staff account." in (
        response.content.decode()
    )
    assert "Retry-After" not in response


def test_the_sixth_wrong_admin_password_is_refused_with_429_and_retry_after(client):
    staff = UserFactory.create(staff=True)
    _wrong(client, staff.email, 5)

    response = _log_in(client, staff.email, "wrong password")

    assert response.status_code == 429
    seconds = int(response["Retry-After"])
    assert seconds in range(170, 181)
    assert (
        f"Too many sign-in attempts. Try again in {seconds} seconds."
        in response.content.decode()
    )


def test_the_right_admin_password_is_refused_while_throttled(client):
    staff = UserFactory.create(staff=True)
    _wrong(client, staff.email, 5)

    response = _log_in(client, staff.email)

    assert response.status_code == 429
    assert SESSION_KEY not in client.session


def test_a_throttled_admin_login_never_checks_the_password(client, caplog):
    caplog.set_level(logging.INFO, logger="apps.accounts.services")
    staff = UserFactory.create(staff=True)
    _wrong(client, staff.email, 5)

    for _ in range(3):
        assert _log_in(client, staff.email, "wrong password").status_code == 429

    checked = [
        record
        for record in caplog.records
        if record.getMessage() == "sign-in password checked"
    ]
    assert len(checked) == 5


def test_the_admin_login_and_token_create_share_the_buckets(client):
    staff = UserFactory.create(staff=True)
    for _ in range(3):
        with pytest.raises(InvalidCredentialsError):
            services.token_create(
                email=staff.email, password="wrong", client_address="127.0.0.1"
            )
    _wrong(client, staff.email, 2)

    assert _log_in(client, staff.email).status_code == 429


def test_a_customer_with_the_right_password_cannot_log_in_to_the_admin(client):
    customer = UserFactory.create()

    response = _log_in(client, customer.email)

    assert response.status_code == 200
    assert SESSION_KEY not in client.session
