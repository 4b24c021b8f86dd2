"""Images over real HTTP: a product's URL serves a WebP of the width asked for, cached a year."""

from __future__ import annotations

import io

import httpx
import pytest
from django.conf import settings
from PIL import Image

from apps.catalog import media
from tests.factories.catalog import ProductFactory
from tests.support.live_server import live_server

pytestmark = [pytest.mark.system, pytest.mark.slow]

QUERY = """{ products(first: 1) { edges { node {
  media { url(width: 320) jpeg: url(width: 600, format: JPEG) } } } } }"""


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker):
    env = {"MEDIA_ROOT": str(settings.MEDIA_ROOT)}
    with django_db_blocker.unblock(), live_server(env=env) as running:
        yield running


def _pictured_product() -> None:
    out = io.BytesIO()
    Image.new("RGB", (1000, 1250), (120, 30, 60)).save(out, "PNG")
    product = ProductFactory.create()
    stored = media.media_upload(
        media.Upload(product_id=product.pk, data=out.getvalue())
    )
    media.renditions_make(media_id=stored.pk)


def test_an_image_url_serves_a_webp_of_the_requested_width(transactional_db, server):
    _pictured_product()
    body = httpx.post(
        f"{server.url}/graphql/", json={"query": QUERY}, timeout=30
    ).json()
    image = body["data"]["products"]["edges"][0]["node"]["media"][0]

    response = httpx.get(f"{server.url}{image['url']}", timeout=30)

    assert response.status_code == 200
    assert response.headers["content-type"] == "image/webp"
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    served = Image.open(io.BytesIO(response.content))
    assert (served.format, served.width) == ("WEBP", 320)
    jpeg = httpx.get(f"{server.url}{image['jpeg']}", timeout=30)
    assert Image.open(io.BytesIO(jpeg.content)).width == 640


def test_an_unknown_or_escaping_media_path_is_the_json_404(server):
    for path in ("/media/products/nope.webp", "/media/%2e%2e/config/settings/base.py"):
        response = httpx.get(f"{server.url}{path}", timeout=30)

        assert response.status_code == 404
        assert response.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
