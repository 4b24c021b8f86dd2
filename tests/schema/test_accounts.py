"""Accounts and authentication through the real /graphql/ endpoint."""

from __future__ import annotations

import json
from typing import Any

import pytest
import strawberry
from asgiref.sync import async_to_sync
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.http import HttpResponse
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client, RequestFactory
from django.utils import timezone

from apps.accounts import tokens
from apps.accounts.models import User as UserModel
from schema.context import Context, Info
from schema.core.permissions import IsAuthenticated, IsStaff
from tests.factories.accounts import PASSWORD, UserFactory, signed_in
from tests.support.graphql import GRAPHQL_URL, JSON, error_codes, gql, request
from tests.support.queries import assert_num_queries

REGISTER = """
mutation ($input: AccountRegisterInput!) {
  accountRegister(input: $input) {
    user { id email firstName lastName fullName isStaff emailVerified }
    errors { field code message }
  }
}
"""
VERIFY = """
mutation ($token: String!) {
  accountVerifyEmail(token: $token) {
    user { email emailVerified }
    errors { field code message }
  }
}
"""
TOKEN_CREATE = """
mutation ($email: String!, $password: String!) {
  tokenCreate(email: $email, password: $password) {
    accessToken accessTokenExpiresAt refreshToken refreshTokenExpiresAt
    user { email }
    errors { field code message }
  }
}
"""
TOKEN_REFRESH = """
mutation ($refreshToken: String!) {
  tokenRefresh(refreshToken: $refreshToken) {
    accessToken refreshToken
    errors { field code message }
  }
}
"""
TOKEN_REVOKE = """
mutation ($refreshToken: String!) {
  tokenRevoke(refreshToken: $refreshToken) { errors { field code message } }
}
"""
ME = "{ me { id email firstName lastName fullName isStaff emailVerified } }"


def post(
    client: Client,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    bearer: str | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, Any]]:
    """POST to /graphql/ with optional Authorization; return status and body."""
    response = request(client, query, variables, bearer=bearer, headers=headers)
    return response.status_code, response.json()


def sign_in(client: Client, email: str, password: str = PASSWORD) -> dict[str, Any]:
    body = gql(client, TOKEN_CREATE, {"email": email, "password": password})
    payload: dict[str, Any] = body["data"]["tokenCreate"]
    return payload


def with_csrf(client: Client) -> dict[str, str]:
    """Give the client a CSRF cookie; return the header that matches it."""
    secret = _get_new_csrf_string()
    client.cookies["csrftoken"] = secret
    return {"X-CSRFToken": secret}


def test_register_verify_sign_in_refresh_and_sign_out(
    gql_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        body = gql(
            gql_client,
            REGISTER,
            {
                "input": {
                    "email": "Ada@Example.com",
                    "password": PASSWORD,
                    "firstName": "Ada",
                    "lastName": "Lovelace",
                }
            },
        )
    registered = body["data"]["accountRegister"]
    assert registered["errors"] == []
    assert registered["user"]["email"] == "ada@example.com"
    assert registered["user"]["firstName"] == "Ada"
    assert registered["user"]["lastName"] == "Lovelace"
    assert registered["user"]["fullName"] == "Ada Lovelace"
    assert registered["user"]["isStaff"] is False
    assert registered["user"]["emailVerified"] is False
    (message,) = mail.outbox
    link_token = message.body.split("verify-email?token=")[1].split()[0]

    verified = gql(gql_client, VERIFY, {"token": link_token})["data"][
        "accountVerifyEmail"
    ]
    assert verified == {
        "user": {"email": "ada@example.com", "emailVerified": True},
        "errors": [],
    }

    pair = sign_in(gql_client, "ADA@example.com")
    assert pair["errors"] == []
    assert pair["user"] == {"email": "ada@example.com"}
    status, me = post(gql_client, ME, bearer=pair["accessToken"])
    assert status == 200
    assert me["data"]["me"] == {
        "id": registered["user"]["id"],
        "email": "ada@example.com",
        "firstName": "Ada",
        "lastName": "Lovelace",
        "fullName": "Ada Lovelace",
        "isStaff": False,
        "emailVerified": True,
    }

    refreshed = gql(gql_client, TOKEN_REFRESH, {"refreshToken": pair["refreshToken"]})
    new = refreshed["data"]["tokenRefresh"]
    assert new["errors"] == []
    assert post(gql_client, ME, bearer=new["accessToken"])[1]["data"]["me"][
        "email"
    ] == ("ada@example.com")

    revoked = gql(gql_client, TOKEN_REVOKE, {"refreshToken": new["refreshToken"]})
    assert revoked["data"]["tokenRevoke"] == {"errors": []}
    _, after = post(gql_client, ME, bearer=new["accessToken"])
    assert after["data"] == {"me": None}
    assert error_codes(after) == ["INVALID_TOKEN"]
    assert after["errors"][0]["message"] == "The access token is not valid."


def test_verifying_twice_is_already_verified(gql_client):
    user = UserFactory.create()
    token = tokens.verification_token_make(
        user_id=user.pk, email=user.email, now=timezone.now()
    )
    gql(gql_client, VERIFY, {"token": token})

    body = gql(gql_client, VERIFY, {"token": token})

    assert body["data"]["accountVerifyEmail"] == {
        "user": None,
        "errors": [
            {
                "field": None,
                "code": "ALREADY_VERIFIED",
                "message": "This email is already verified.",
            }
        ],
    }


def test_register_takes_first_and_last_name_inline(gql_client):
    # The stated contract, as a client written against it sends it.
    query = (
        'mutation { accountRegister(input: {email: "grace@example.com", '
        f'password: "{PASSWORD}", firstName: "Grace", lastName: "Hopper"}}) '
        "{ user { firstName lastName fullName } errors { field code message } } }"
    )

    body = gql(gql_client, query)

    assert body["data"]["accountRegister"] == {
        "user": {
            "firstName": "Grace",
            "lastName": "Hopper",
            "fullName": "Grace Hopper",
        },
        "errors": [],
    }


def test_register_no_longer_takes_a_full_name(gql_client):
    body = gql(
        gql_client,
        REGISTER,
        {"input": {"email": "a@example.com", "password": PASSWORD, "fullName": "A"}},
        expect_errors=True,
    )

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert "unknown field 'fullName'" in body["errors"][0]["message"]


@pytest.mark.parametrize("name", ["firstName", "lastName"])
def test_register_refuses_a_name_over_200_characters_before_running(gql_client, name):
    body = gql(
        gql_client,
        REGISTER,
        {"input": {"email": "a@example.com", "password": PASSWORD, name: "x" * 201}},
        expect_errors=True,
    )

    assert "data" not in body
    assert body["errors"] == [
        {
            "message": f"input.{name}: At most 200 characters.",
            "locations": [{"line": 3, "column": 26}],
            "extensions": {"code": "BAD_USER_INPUT", "field": f"input.{name}"},
        }
    ]
    assert not UserModel.objects.exists()


def test_register_accepts_a_name_of_exactly_200_characters(gql_client):
    body = gql(
        gql_client,
        REGISTER,
        {
            "input": {
                "email": "a@example.com",
                "password": PASSWORD,
                "lastName": "x" * 200,
            }
        },
    )

    assert body["data"]["accountRegister"]["errors"] == []
    assert body["data"]["accountRegister"]["user"]["lastName"] == "x" * 200


def test_register_rejects_a_taken_email_in_another_case(gql_client):
    UserFactory.create(email="ada@example.com")

    body = gql(
        gql_client,
        REGISTER,
        {"input": {"email": "ADA@example.com", "password": PASSWORD}},
    )

    errors = body["data"]["accountRegister"]["errors"]
    assert len(errors) == 1
    assert errors[0]["code"] == "EMAIL_TAKEN"
    assert errors[0]["field"] == "email"


def test_register_reports_weak_passwords(gql_client):
    body = gql(
        gql_client,
        REGISTER,
        {"input": {"email": "ada@example.com", "password": "12345678"}},
    )

    errors = body["data"]["accountRegister"]["errors"]
    assert len(errors) == 1
    assert errors[0]["code"] == "PASSWORD_INVALID"
    assert errors[0]["field"] == "password"
    assert "too common" in errors[0]["message"]
    assert "entirely numeric" in errors[0]["message"]


def test_token_create_does_not_reveal_which_emails_have_accounts(gql_client):
    UserFactory.create(email="ada@example.com")

    unknown = sign_in(gql_client, "nobody@example.com")
    wrong = sign_in(gql_client, "ada@example.com", "not the password")

    expected = [
        {
            "field": None,
            "code": "INVALID_CREDENTIALS",
            "message": "Wrong email or password.",
        }
    ]
    assert unknown["errors"] == expected
    assert wrong["errors"] == expected
    assert unknown["accessToken"] is None
    assert unknown == wrong


def test_repeated_failures_are_throttled_with_a_clear_code(gql_client):
    user = UserFactory.create()
    for _ in range(5):
        assert sign_in(gql_client, user.email, "wrong")["errors"][0]["code"] == (
            "INVALID_CREDENTIALS"
        )

    throttled = sign_in(gql_client, user.email)

    assert len(throttled["errors"]) == 1
    assert throttled["errors"][0]["code"] == "THROTTLED"
    assert throttled["errors"][0]["message"].startswith(
        "Too many sign-in attempts. Try again in "
    )
    assert throttled["accessToken"] is None


def test_a_throttled_sign_in_says_when_to_retry_in_retry_after(gql_client):
    user = UserFactory.create()
    for _ in range(5):
        sign_in(gql_client, user.email, "wrong")

    response = request(
        gql_client, TOKEN_CREATE, {"email": user.email, "password": PASSWORD}
    )

    assert response.status_code == 200  # a GraphQL result, with a payload error
    seconds = int(response.headers["Retry-After"])
    assert seconds in range(170, 181)
    (error,) = response.json()["data"]["tokenCreate"]["errors"]
    assert error == {
        "field": None,
        "code": "THROTTLED",
        "message": f"Too many sign-in attempts. Try again in {seconds} seconds.",
    }


def test_a_sign_in_that_is_not_throttled_has_no_retry_after(gql_client):
    user = UserFactory.create()

    response = request(
        gql_client, TOKEN_CREATE, {"email": user.email, "password": "wrong"}
    )

    assert "Retry-After" not in response.headers


def test_the_eleventh_registration_from_an_address_is_throttled(gql_client):
    for n in range(10):
        registered = gql(
            gql_client,
            REGISTER,
            {"input": {"email": f"new{n}@example.com", "password": PASSWORD}},
        )
        assert registered["data"]["accountRegister"]["errors"] == []

    response = request(
        gql_client,
        REGISTER,
        {"input": {"email": "one-more@example.com", "password": PASSWORD}},
    )

    payload = response.json()["data"]["accountRegister"]
    seconds = int(response.headers["Retry-After"])
    assert seconds in range(350, 361)
    assert payload == {
        "user": None,
        "errors": [
            {
                "field": None,
                "code": "THROTTLED",
                "message": (
                    "Too many accounts registered from this address. "
                    f"Try again in {seconds} seconds."
                ),
            }
        ],
    }
    assert not UserModel.objects.filter(email="one-more@example.com").exists()


def test_the_throttle_uses_the_forwarded_address_behind_trusted_proxies(
    gql_client, settings
):
    settings.AUTH_TRUSTED_PROXY_HOPS = 1
    user = UserFactory.create()
    attacker = {"X-Forwarded-For": "203.0.113.66"}
    for _ in range(5):
        post(
            gql_client,
            TOKEN_CREATE,
            {"email": user.email, "password": "x"},
            headers=attacker,
        )

    _, owner = post(
        gql_client,
        TOKEN_CREATE,
        {"email": user.email, "password": PASSWORD},
        headers={"X-Forwarded-For": "192.0.2.10"},
    )

    assert owner["data"]["tokenCreate"]["errors"] == []


def test_a_reused_refresh_token_revokes_the_session(gql_client):
    user = UserFactory.create()
    first = sign_in(gql_client, user.email)
    second = gql(gql_client, TOKEN_REFRESH, {"refreshToken": first["refreshToken"]})[
        "data"
    ]["tokenRefresh"]

    reused = gql(gql_client, TOKEN_REFRESH, {"refreshToken": first["refreshToken"]})

    errors = reused["data"]["tokenRefresh"]["errors"]
    assert len(errors) == 1
    assert errors[0]["code"] == "TOKEN_REUSED"
    assert reused["data"]["tokenRefresh"]["accessToken"] is None
    _, me = post(gql_client, ME, bearer=second["accessToken"])
    assert error_codes(me) == ["INVALID_TOKEN"]
    again = gql(gql_client, TOKEN_REFRESH, {"refreshToken": second["refreshToken"]})
    assert again["data"]["tokenRefresh"]["errors"][0]["code"] == "INVALID_TOKEN"


def test_revoking_an_unknown_token_is_an_error(gql_client):
    body = gql(gql_client, TOKEN_REVOKE, {"refreshToken": "fsr_nope"})

    assert body["data"]["tokenRevoke"]["errors"] == [
        {"field": None, "code": "INVALID_TOKEN", "message": "The token is not valid."}
    ]


def test_me_is_null_for_anonymous_requests(gql_client):
    assert gql(gql_client, ME)["data"] == {"me": None}


@pytest.mark.parametrize(
    "header",
    ["Bearer fsa_unknown", "Bearer ", "Basic dXNlcjpwYXNz", "fsa_no_scheme"],
    ids=["unknown_case", "empty_case", "basic_case", "no_scheme_case"],
)
def test_a_bad_authorization_header_is_an_error_not_anonymous(gql_client, header):
    _, body = post(gql_client, ME, headers={"Authorization": header})

    assert body["data"] == {"me": None}
    assert error_codes(body) == ["INVALID_TOKEN"]


def test_a_refresh_token_is_not_accepted_as_a_bearer_token(gql_client):
    pair = sign_in(gql_client, UserFactory.create().email)

    _, body = post(gql_client, ME, bearer=pair["refreshToken"])

    assert error_codes(body) == ["INVALID_TOKEN"]


def test_me_with_a_bearer_token_costs_one_query(gql_client):
    pair = sign_in(gql_client, UserFactory.create().email)

    with assert_num_queries(1):
        status, body = post(
            gql_client,
            "{ a: me { email } b: me { isStaff } }",
            bearer=pair["accessToken"],
        )

    assert status == 200
    assert body["data"]["a"]["email"]


def test_catalog_queries_with_a_bearer_token_look_up_the_token_once(gql_client):
    pair = sign_in(gql_client, UserFactory.create().email)

    # The token (its owner's cost bucket, docs/graphql.md "Query cost"), then
    # the products; a field that asks for the viewer reuses the first.
    with assert_num_queries(2):
        post(
            gql_client,
            "{ products(first: 5) { edges { node { name } } } }",
            bearer=pair["accessToken"],
        )


def test_a_mutation_error_list_is_built_without_queries(gql_client):
    with assert_num_queries(0):
        body = gql(
            gql_client,
            REGISTER,
            {"input": {"email": "not-an-email", "password": PASSWORD}},
        )

    assert [e["code"] for e in body["data"]["accountRegister"]["errors"]] == [
        "INVALID_EMAIL"
    ]


# Sessions (GraphiQL, the admin) and how they meet bearer tokens ----------------


def test_a_session_user_with_a_csrf_token_is_me(gql_client):
    user = UserFactory.create(staff=True)
    gql_client.force_login(user)

    status, body = post(gql_client, ME, headers=with_csrf(gql_client))

    assert status == 200
    assert body["data"]["me"]["email"] == user.email
    assert body["data"]["me"]["isStaff"] is True


def test_a_session_post_without_a_csrf_token_is_refused(gql_client):
    gql_client.force_login(UserFactory.create())

    status, body = post(gql_client, ME)

    assert status == 403
    assert error_codes(body) == ["CSRF_FAILED"]


def test_a_session_cookie_needs_csrf_even_with_a_valid_bearer_token(gql_client):
    """A bearer token does not exempt a request that carries the session cookie.

    The CSRF check runs before the token is read and whenever the cookie is
    sent: that keeps one simple rule, and API clients hold no cookie anyway.
    """
    pair = sign_in(gql_client, UserFactory.create().email)
    gql_client.force_login(UserFactory.create())

    status, body = post(gql_client, ME, bearer=pair["accessToken"])

    assert status == 403
    assert error_codes(body) == ["CSRF_FAILED"]


def test_a_bearer_token_wins_over_the_session(gql_client):
    api_user = UserFactory.create()
    pair = sign_in(gql_client, api_user.email)
    gql_client.force_login(UserFactory.create(staff=True))

    _, body = post(
        gql_client, ME, bearer=pair["accessToken"], headers=with_csrf(gql_client)
    )

    assert body["data"]["me"]["email"] == api_user.email
    assert body["data"]["me"]["isStaff"] is False


def test_a_bad_bearer_token_never_falls_back_to_the_session(gql_client):
    gql_client.force_login(UserFactory.create(staff=True))

    _, body = post(gql_client, ME, bearer="fsa_revoked", headers=with_csrf(gql_client))

    assert body["data"] == {"me": None}
    assert error_codes(body) == ["INVALID_TOKEN"]


# Permission classes -------------------------------------------------------------


@strawberry.type
class _GatedQuery:
    @strawberry.field(permission_classes=[IsAuthenticated])  # type: ignore[untyped-decorator]
    def members_only(self, info: Info) -> str:
        return "members"

    @strawberry.field(permission_classes=[IsStaff])  # type: ignore[untyped-decorator]
    def staff_only(self, info: Info) -> str:
        return "staff"


_GATED = strawberry.Schema(query=_GatedQuery)


def _run_gated(query: str, *, authorization: str | None = None) -> Any:
    headers = {"Authorization": authorization} if authorization else {}
    request = RequestFactory().post(GRAPHQL_URL, headers=headers)

    async def anonymous() -> AnonymousUser:
        return AnonymousUser()

    request.auser = anonymous  # what AuthenticationMiddleware attaches
    context = Context(request=request, response=HttpResponse(), request_id=None)
    return async_to_sync(_GATED.execute)(query, context_value=context)


@pytest.mark.django_db
def test_is_authenticated_denies_anonymous_requests():
    result = _run_gated("{ membersOnly }")

    assert result.data is None
    (error,) = result.errors
    assert error.message == "Sign in first: send a bearer access token."
    assert error.extensions == {"code": "UNAUTHENTICATED"}


@pytest.mark.django_db
def test_is_authenticated_allows_a_bearer_user():
    pair = signed_in(UserFactory.create())

    result = _run_gated("{ membersOnly }", authorization=f"Bearer {pair.access_token}")

    assert result.errors is None
    assert result.data == {"membersOnly": "members"}


@pytest.mark.django_db
def test_is_staff_forbids_customers():
    authorization = f"Bearer {signed_in(UserFactory.create()).access_token}"

    result = _run_gated("{ staffOnly }", authorization=authorization)

    assert result.data is None
    (error,) = result.errors
    assert error.message == "Only staff may do this."
    assert error.extensions == {"code": "FORBIDDEN"}


@pytest.mark.django_db
def test_is_staff_asks_anonymous_callers_to_sign_in():
    result = _run_gated("{ staffOnly }")

    assert result.data is None
    (error,) = result.errors
    assert error.message == "Sign in first: send a bearer access token."
    assert error.extensions == {"code": "UNAUTHENTICATED"}


@pytest.mark.django_db
def test_is_staff_allows_staff():
    pair = signed_in(UserFactory.create(staff=True))

    result = _run_gated("{ staffOnly }", authorization=f"Bearer {pair.access_token}")

    assert result.data == {"staffOnly": "staff"}


REGISTER_WITH_KEY = """
mutation ($input: AccountRegisterInput!, $key: String) {
  accountRegister(input: $input, idempotencyKey: $key) {
    user { id email }
    errors { field code message }
  }
}
"""


def test_register_with_an_idempotency_key_replays_the_first_result(gql_client):
    variables: dict[str, Any] = {
        "input": {"email": "ada@example.com", "password": PASSWORD},
        "key": "register-1",
    }

    first = gql(gql_client, REGISTER_WITH_KEY, variables)["data"]["accountRegister"]
    again = gql(gql_client, REGISTER_WITH_KEY, variables)["data"]["accountRegister"]
    without_key = gql(gql_client, REGISTER_WITH_KEY, {**variables, "key": None})
    reused = gql(
        gql_client,
        REGISTER_WITH_KEY,
        {**variables, "input": {**variables["input"], "firstName": "Ada"}},
    )["data"]["accountRegister"]

    assert first["errors"] == []
    assert again == first
    assert without_key["data"]["accountRegister"]["errors"][0]["code"] == (
        "EMAIL_TAKEN"
    )
    assert reused == {
        "user": None,
        "errors": [
            {
                "field": "idempotencyKey",
                "code": "IDEMPOTENCY_KEY_REUSED",
                "message": (
                    "This idempotency key was already used for a different request."
                ),
            }
        ],
    }


def test_token_create_with_a_300_character_email_is_a_wrong_email(gql_client, caplog):
    # The audit's case: a DataError on a 254-character column, logged with
    # a traceback.
    email = "a" * 288 + "@example.com"

    payload = sign_in(gql_client, email)

    assert payload["errors"] == [
        {
            "field": None,
            "code": "INVALID_CREDENTIALS",
            "message": "Wrong email or password.",
        }
    ]
    assert not [record for record in caplog.records if record.levelname == "ERROR"]


# Error messages never quote the request's values ---------------------------------

SECRET = "Sekret-Horse-battery-71"

REGISTER_INLINE = (
    "mutation {{ accountRegister(input: {input}) {{ errors {{ code }} }} }}"
)


@pytest.mark.parametrize(
    "variables",
    [
        {"input": {"email": "a@example.com", "password": SECRET, "bogus": 1}},
        {"input": {"email": "a@example.com", "password": SECRET, "fullName": "A"}},
        {"input": {"password": SECRET}},
        {"input": {"email": "a@example.com", "password": [SECRET]}},
        {"input": {"email": ["a"], "password": SECRET}},
        {"input": SECRET},
        {"input": [{"email": "a@example.com", "password": SECRET, "x": 1}]},
        {"input": {"email": "a@example.com", "password": SECRET * 50}},
    ],
    ids=[
        "unknown_field_case",
        "old_full_name_case",
        "missing_field_case",
        "list_password_case",
        "wrong_type_beside_case",
        "not_an_object_case",
        "list_of_objects_case",
        "over_long_case",
    ],
)
def test_a_refused_registration_never_echoes_the_password(gql_client, variables):
    response = gql_client.post(
        GRAPHQL_URL,
        data=json.dumps({"query": REGISTER, "variables": variables}),
        content_type=JSON,
        headers={"Accept": JSON},
    )

    body = response.json()
    assert error_codes(body)
    assert set(error_codes(body)) == {"BAD_USER_INPUT"}, body
    assert SECRET not in response.content.decode()


@pytest.mark.parametrize(
    "literal",
    [
        f'{{email: "a@example.com", password: "{SECRET}", bogus: 1}}',
        f'{{email: "a@example.com", password: "{SECRET}", fullName: "A"}}',
        f'{{password: "{SECRET}"}}',
        f'{{email: "a@example.com", password: ["{SECRET}"]}}',
        f'"{SECRET}"',
        f"{{email: 1, password: {SECRET.replace('-', '_')}}}",
    ],
    ids=[
        "unknown_field_case",
        "old_full_name_case",
        "missing_field_case",
        "list_password_case",
        "not_an_object_case",
        "enum_like_case",
    ],
)
def test_a_refused_inline_registration_never_echoes_the_password(gql_client, literal):
    response = gql_client.post(
        GRAPHQL_URL,
        data=json.dumps({"query": REGISTER_INLINE.format(input=literal)}),
        content_type=JSON,
        headers={"Accept": JSON},
    )

    body = response.json()
    assert error_codes(body)
    assert set(error_codes(body)) == {"GRAPHQL_VALIDATION_FAILED"}
    text = response.content.decode()
    assert SECRET not in text
    assert SECRET.replace("-", "_") not in text


def test_a_refused_sign_in_never_echoes_the_password(gql_client):
    body = gql(
        gql_client,
        TOKEN_CREATE,
        {"email": "a@example.com", "password": {"secret": SECRET}},
        expect_errors=True,
    )

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["message"] == (
        "Variable '$password' has invalid value: "
        "String cannot represent a non string value."
    )
    assert SECRET not in json.dumps(body)
