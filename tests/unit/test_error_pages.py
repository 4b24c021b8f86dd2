from __future__ import annotations

import pytest
from django.test import override_settings

from config.errors import server_error


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_an_unknown_url_gets_a_json_404(client):
    response = client.get("/no-such-page")

    assert response.status_code == 404
    assert response.json() == {
        "errors": [{"message": "Not found.", "extensions": {"code": "NOT_FOUND"}}]
    }


def test_a_server_error_page_is_json_without_details(rf):
    response = server_error(rf.get("/"))

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert b"Internal server error." in response.content
