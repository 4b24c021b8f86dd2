"""Demo images: every seeded product has a picture per colour, drawn, never downloaded."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from apps.catalog.models import Product, ProductMedia, ProductVariant
from apps.demo.catalog import demo_catalog_seed
from apps.demo.media import demo_media_seed

pytestmark = pytest.mark.django_db


def test_every_product_gets_an_image_for_each_of_its_colours():
    demo_catalog_seed(products=30, seed=7)

    demo_media_seed()

    for product in Product.objects.all():
        colours = set(
            ProductVariant.objects.filter(product=product).values_list(
                "colour", flat=True
            )
        )
        pictured = set(
            ProductMedia.objects.filter(product=product).values_list(
                "colour", flat=True
            )
        )
        assert pictured == colours


def test_seeded_images_come_with_their_webp_renditions():
    demo_catalog_seed(products=5, seed=7)
    demo_media_seed()

    image = ProductMedia.objects.first()

    assert image is not None
    with default_storage.open(image.renditions["webp"]["320"], "rb") as handle:
        drawn = Image.open(handle)
        assert (drawn.format, drawn.width) == ("WEBP", 320)


def test_products_of_one_kind_and_colour_share_one_stored_drawing():
    demo_catalog_seed(products=60, seed=7)

    made = demo_media_seed()

    distinct = ProductMedia.objects.values("content_hash").distinct().count()
    assert distinct < made


def test_a_second_run_draws_nothing_new():
    demo_catalog_seed(products=5, seed=7)
    demo_media_seed()

    assert demo_media_seed() == 0
