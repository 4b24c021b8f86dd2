"""Demo collections: a sale of the variants on sale, and the newest products."""

from __future__ import annotations

import pytest

from apps.catalog.models import Collection
from apps.demo.catalog import demo_catalog_seed
from apps.demo.collections import demo_collections_seed

pytestmark = pytest.mark.django_db


def test_the_demo_seed_adds_a_sale_and_a_new_in_collection():
    demo_catalog_seed(products=60, seed=7)

    added = demo_collections_seed()

    assert added == 2
    sale = Collection.objects.get(slug="summer-sale")
    assert sale.image_renditions["webp"]
    assert all(
        p.variants.filter(compare_at_price__isnull=False).exists()
        for p in sale.products.all()
    )
    assert Collection.objects.get(slug="new-in").products.count() == 24
    assert demo_collections_seed() == 0
