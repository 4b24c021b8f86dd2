"""Browser access from a storefront on another origin: CORS on /graphql/ only."""

from __future__ import annotations

import pytest

STOREFRONT = "http://127.0.0.1:3000"


def preflight(client, path, *, origin, headers="authorization, content-type"):
    return client.options(
        path,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": headers,
        },
    )


def test_a_preflight_from_the_storefront_is_allowed(client):
    response = preflight(
        client,
        "/graphql/",
        origin=STOREFRONT,
        headers="authorization, content-type, x-request-id",
    )

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == STOREFRONT
    allowed = {h.strip() for h in response["Access-Control-Allow-Headers"].split(",")}
    assert allowed == {"authorization", "content-type", "x-request-id"}
    assert "POST" in response["Access-Control-Allow-Methods"]


def test_a_preflight_from_an_unknown_origin_gets_no_allow_origin(client):
    response = preflight(client, "/graphql/", origin="http://evil.example")

    assert "Access-Control-Allow-Origin" not in response


@pytest.mark.django_db
def test_a_query_from_the_storefront_carries_allow_origin(client):
    response = client.post(
        "/graphql/",
        {"query": "{ __typename }"},
        content_type="application/json",
        headers={"Origin": STOREFRONT},
    )

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == STOREFRONT
    assert "X-Request-ID" in response["Access-Control-Expose-Headers"]


@pytest.mark.parametrize(
    "path",
    ["/webhooks/stripe/", "/webhooks/paystack/", "/admin/login/", "/health/live"],
)
@pytest.mark.django_db
def test_webhooks_admin_and_probes_are_never_cors_enabled(client, path):
    response = preflight(client, path, origin=STOREFRONT)

    assert "Access-Control-Allow-Origin" not in response


@pytest.mark.django_db
def test_settings_origins_are_the_ones_allowed(client, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://shop.example.com"]

    allowed = preflight(client, "/graphql/", origin="https://shop.example.com")
    default = preflight(client, "/graphql/", origin=STOREFRONT)

    assert allowed["Access-Control-Allow-Origin"] == "https://shop.example.com"
    assert "Access-Control-Allow-Origin" not in default
