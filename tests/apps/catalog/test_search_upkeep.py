"""PostgreSQL keeps every product's search vector and the typo lexicon itself."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils.module_loading import import_string

from apps.catalog import models, search
from apps.catalog.filters import ProductFilter
from apps.catalog.selectors import ProductSearch
from tests.factories.catalog import (
    AttributeValueFactory,
    CategoryFactory,
    ProductAttributeFactory,
    ProductFactory,
    VariantFactory,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def found(text: str) -> set[str]:
    matching = ProductSearch(ProductFilter(search=text)).queryset()
    return set(matching.values_list("name", flat=True))


def weights(product: models.Product) -> str:
    product.refresh_from_db()
    return str(product.search_vector)


def test_a_new_product_is_findable_at_once():
    ProductFactory.create(name="Harbour Trench Coat")

    assert found("trench") == {"Harbour Trench Coat"}


def test_the_name_weighs_most_and_the_description_least():
    product = ProductFactory.create(
        name="Scarf", brand="Solenne", description="Softest cashmere."
    )

    vector = weights(product)
    assert "'scarf':1A" in vector
    assert "'solenn':2B" in vector
    assert "'cashmer':6 " in vector  # D, the lowest weight, is written bare


def test_a_renamed_product_is_found_by_its_new_name_only():
    product = ProductFactory.create(name="Slip Dress")

    product.name = "Satin Camisole"
    product.save()

    assert found("camisole") == {"Satin Camisole"}
    assert found("slip") == set()


def test_a_price_change_keeps_the_vector():
    product = ProductFactory.create(name="Overcoat")
    before = weights(product)

    models.Product.objects.filter(pk=product.pk).update(base_price=10)

    assert weights(product) == before


def test_renaming_a_category_refreshes_the_products_below_it():
    women = CategoryFactory.create(name="Women")
    shoes = CategoryFactory.create(name="Shoes", parent=women)
    ProductFactory.create(name="Block Heels", category=shoes)

    women.name = "Ladies"
    women.save()

    assert found("ladies") == {"Block Heels"}
    assert found("women") == set()


def test_moving_a_category_refreshes_its_products():
    men = CategoryFactory.create(name="Men")
    sneakers = CategoryFactory.create(name="Sneakers")
    ProductFactory.create(name="Court Runner", category=sneakers)

    sneakers.parent = men
    sneakers.save()

    assert found("men") == {"Court Runner"}


def test_an_attribute_value_makes_its_products_findable():
    linen = AttributeValueFactory.create(name="Linen", slug="linen")
    product = ProductFactory.create(name="Camp Shirt")

    ProductAttributeFactory.create(product=product, value=linen)

    assert found("linen") == {"Camp Shirt"}
    assert "'linen':6C" in weights(product)


def test_a_removed_attribute_value_no_longer_finds_the_product():
    assigned = ProductAttributeFactory.create(
        value=AttributeValueFactory.create(name="Velvet", slug="velvet")
    )

    assigned.delete()

    assert found("velvet") == set()


def test_a_renamed_attribute_value_refreshes_its_products():
    value = AttributeValueFactory.create(name="Poly", slug="poly")
    ProductAttributeFactory.create(
        product=ProductFactory.create(name="Puffer"), value=value
    )

    value.name = "Recycled nylon"
    value.save()

    assert found("nylon") == {"Puffer"}


def test_a_new_variant_colour_makes_its_product_findable():
    product = ProductFactory.create(name="Shift Dress")

    VariantFactory.create(product=product, colour="Mustard")

    assert found("mustard") == {"Shift Dress"}


def test_a_variant_price_change_keeps_the_vector():
    variant = VariantFactory.create(colour="Olive")
    before = weights(variant.product)

    models.ProductVariant.objects.filter(pk=variant.pk).update(price_override=5)

    assert weights(variant.product) == before


def test_a_deleted_variant_takes_its_colour_out_of_the_search():
    variant = VariantFactory.create(colour="Lilac")

    variant.delete()

    assert found("lilac") == set()


def test_the_lexicon_learns_every_word_of_a_new_product():
    ProductFactory.create(name="Seersucker Shorts", description="Breathable.")

    words = set(models.SearchWord.objects.values_list("word", flat=True))
    assert {"seersucker", "shorts", "breathable"} <= words


def test_typo_correction_uses_words_learnt_on_write():
    ProductFactory.create(name="Espadrilles")

    assert search.search_terms("espadrils").query == "espadrilles"


def test_pruning_drops_words_no_product_holds_any_more():
    ProductFactory.create(name="Kaftan").delete()
    ProductFactory.create(name="Poncho")

    search.search_words_prune()

    words = set(models.SearchWord.objects.values_list("word", flat=True))
    assert "poncho" in words
    assert "kaftan" not in words


def test_the_search_vector_has_a_gin_index():
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = models.Product.objects.filter(
            search.matches(search.search_terms("coat"))
        ).explain()

    assert "catalog_product_search_vector" in plan


def test_the_daily_prune_job_drops_words_no_product_holds(settings):
    path, period = settings.JOBS_PERIODIC["search_words_prune"]
    ProductFactory.create(name="Gilet").delete()

    pruned = import_string(path).call()

    assert period == timedelta(days=1)
    assert pruned >= 1
    assert not models.SearchWord.objects.filter(word="gilet").exists()
