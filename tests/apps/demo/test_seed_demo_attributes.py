"""Demo attributes: read off each product's name and description."""

from __future__ import annotations

import pytest

from apps.catalog import models
from apps.demo.attributes import ATTRIBUTES, demo_attribute_values
from apps.demo.catalog import demo_catalog_seed


def test_a_linen_dress_is_linen_for_summer_and_cared_for_as_its_label_says():
    found = demo_attribute_values(
        name="Linen Midi Dress",
        description="A linen midi dress. Hand wash cold; do not tumble dry.",
        sizes=["S", "M"],
    )

    assert found == {
        "material": "Linen",
        "pattern": "Plain",
        "season": "Spring/Summer",
        "fit": "Regular",
        "care": "Hand wash",
    }


def test_shoes_have_no_fit():
    found = demo_attribute_values(
        name="Suede Chelsea Boots", description="", sizes=["EU 40"]
    )

    assert found["material"] == "Suede"
    assert found["season"] == "Autumn/Winter"
    assert "fit" not in found


@pytest.mark.django_db
def test_the_demo_seed_gives_every_product_a_material_and_is_idempotent():
    demo_catalog_seed(products=40, seed=3)
    demo_catalog_seed(products=40, seed=3)

    assert models.Attribute.objects.count() == len(ATTRIBUTES)
    material = models.ProductAttribute.objects.filter(value__attribute__slug="material")
    assert material.count() == 40
