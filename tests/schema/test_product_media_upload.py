"""productMediaCreate over the GraphQL multipart request spec, as a client sends it."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from apps.catalog.models import ProductMedia
from apps.jobs.models import Job
from tests.factories.accounts import UserFactory
from tests.factories.catalog import ProductFactory
from tests.support.graphql import gid, token

pytestmark = pytest.mark.django_db

CREATE = """mutation ($input: ProductMediaCreateInput!) {
  productMediaCreate(input: $input) {
    media { alt colour width height url(width: 320) } errors { field code message } } }"""


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _png(width: int = 640, height: int = 800) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (40, 90, 160)).save(out, "PNG")
    return out.getvalue()


def _upload(
    client: Client, data: bytes, name: str, *, bearer: str | None, **fields: str
) -> dict[str, Any]:
    product = ProductFactory.create()
    operations = {
        "query": CREATE,
        "variables": {
            "input": {"product": gid("Product", product.pk), "image": None, **fields}
        },
    }
    headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
    response = client.post(
        "/graphql/",
        {
            "operations": json.dumps(operations),
            "map": json.dumps({"0": ["variables.input.image"]}),
            "0": SimpleUploadedFile(name, data),
        },
        headers=headers,
    )
    body: dict[str, Any] = response.json()
    return body


def test_staff_upload_an_image_and_get_its_media_back(gql_client):
    staff = token(UserFactory.create(staff=True))

    body = _upload(
        gql_client, _png(), "front.png", bearer=staff, alt="Front", colour="Navy"
    )

    payload = body["data"]["productMediaCreate"]
    assert payload["errors"] == []
    assert payload["media"]["alt"] == "Front"
    assert (payload["media"]["width"], payload["media"]["height"]) == (640, 800)
    assert payload["media"]["url"].endswith("/original.png")  # sizes come later
    assert Job.objects.filter(task_path__endswith="media_renditions_make_task").exists()


def test_a_text_file_renamed_jpg_is_a_typed_error_and_stores_nothing(gql_client):
    staff = token(UserFactory.create(staff=True))

    body = _upload(gql_client, b"not a picture\n" * 50, "photo.jpg", bearer=staff)

    assert body["data"]["productMediaCreate"]["errors"] == [
        {
            "field": "image",
            "code": "NOT_AN_IMAGE",
            "message": "This file is not an image (or it is damaged).",
        }
    ]
    assert not ProductMedia.objects.exists()


def test_a_sixty_megapixel_png_is_a_typed_error(gql_client):
    from tests.apps.catalog.test_media import _bomb_png

    staff = token(UserFactory.create(staff=True))

    body = _upload(gql_client, _bomb_png(10_000, 6_000), "huge.png", bearer=staff)

    assert body["data"]["productMediaCreate"]["errors"][0]["code"] == "IMAGE_TOO_LARGE"
    assert not ProductMedia.objects.exists()


def test_a_customer_cannot_upload(gql_client):
    customer = token(UserFactory.create())

    body = _upload(gql_client, _png(), "front.png", bearer=customer)

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert not ProductMedia.objects.exists()


def test_a_map_naming_a_missing_file_is_a_bad_request(gql_client):
    response = gql_client.post(
        "/graphql/",
        {
            "operations": json.dumps({"query": CREATE, "variables": {"input": {}}}),
            "map": json.dumps({"7": ["variables.input.image"]}),
        },
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
