"""Product.media and ProductVariant.media through /graphql/: URLs, galleries, SQL per page."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from apps.catalog import media
from tests.factories.catalog import ProductFactory, VariantFactory
from tests.support.graphql import error_codes, gql, post

pytestmark = pytest.mark.django_db

PAGE = """query ($first: Int!) { products(first: $first) { edges { node {
  media { alt colour url(width: 300) jpeg: url(width: 300, format: JPEG) }
  variants { colour media { alt } } } } } }"""


PAGE_WITHOUT_VARIANTS = """query ($first: Int!) { products(first: $first) {
  edges { node { media { alt url(width: 640) } } } } }"""


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _png(width: int = 700, colour: tuple[int, int, int] = (1, 2, 3)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, width), colour).save(out, "PNG")
    return out.getvalue()


def _pictured_product(n: int):
    product = ProductFactory.create()
    VariantFactory.create(product=product, colour="Navy")
    VariantFactory.create(product=product, colour="Red")
    for colour, alt in (("", f"product {n}"), ("Red", f"red {n}")):
        stored = media.media_upload(
            media.Upload(
                product_id=product.pk, data=_png(700, (n, 2, 3)), alt=alt, colour=colour
            )
        )
        media.renditions_make(media_id=stored.pk)
    return product


def test_a_product_lists_its_images_with_urls_of_the_nearest_rendition(gql_client):
    _pictured_product(1)

    body = gql(gql_client, PAGE, {"first": 1})

    images = body["data"]["products"]["edges"][0]["node"]["media"]
    assert [(image["alt"], image["colour"]) for image in images] == [
        ("product 1", None),
        ("red 1", "Red"),
    ]
    assert images[0]["url"].endswith("/320.webp")
    assert images[0]["jpeg"].endswith("/320.jpeg")
    assert images[0]["url"].startswith("/media/products/")


def test_a_variant_shows_its_colours_images_else_the_general_ones(gql_client):
    _pictured_product(1)

    body = gql(gql_client, PAGE, {"first": 1})

    variants = body["data"]["products"]["edges"][0]["node"]["variants"]
    galleries = {v["colour"]: [m["alt"] for m in v["media"]] for v in variants}
    assert galleries == {"Navy": ["product 1"], "Red": ["red 1"]}


def test_a_page_of_products_with_media_costs_the_same_queries_at_any_size(gql_client):
    for n in range(6):
        _pictured_product(n)

    def queries(first: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            gql(gql_client, PAGE_WITHOUT_VARIANTS, {"first": first})
        return len(captured)

    assert queries(1) == queries(6)


def test_a_width_out_of_range_is_a_typed_error(gql_client):
    _pictured_product(1)

    body = post(
        gql_client,
        "{ products(first: 1) { edges { node { media { url(width: 0) } } } } }",
    )

    assert error_codes(body) == ["BAD_USER_INPUT"]
