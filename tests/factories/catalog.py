from __future__ import annotations

from decimal import Decimal

import factory

from apps.catalog import models
from tests.factories.base import ModelFactory


class CategoryFactory(ModelFactory[models.Category]):
    class Meta:
        model = models.Category

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")
    parent = None


class ProductFactory(ModelFactory[models.Product]):
    class Meta:
        model = models.Product

    name = factory.Sequence(lambda n: f"Product {n:05d}")
    slug = factory.Sequence(lambda n: f"product-{n}")
    description = "A well-cut piece for every day."
    brand = "Atelier"
    category = factory.SubFactory(CategoryFactory)
    base_price = Decimal("49.90")
    currency = "USD"
    is_published = True


class VariantFactory(ModelFactory[models.ProductVariant]):
    class Meta:
        model = models.ProductVariant

    product = factory.SubFactory(ProductFactory)
    sku = factory.Sequence(lambda n: f"SKU-{n:06d}")
    size = "M"
    colour = factory.Sequence(lambda n: f"Colour {n}")
    price_override = None


class AttributeFactory(ModelFactory[models.Attribute]):
    class Meta:
        model = models.Attribute

    name = factory.Sequence(lambda n: f"Attribute {n}")
    slug = factory.Sequence(lambda n: f"attribute-{n}")
    kind = models.Attribute.Kind.SINGLE


class AttributeValueFactory(ModelFactory[models.AttributeValue]):
    class Meta:
        model = models.AttributeValue

    attribute = factory.SubFactory(AttributeFactory)
    name = factory.LazyAttribute(lambda value: value.slug.replace("-", " ").title())
    slug = factory.Sequence(lambda n: f"value-{n}")


class ProductAttributeFactory(ModelFactory[models.ProductAttribute]):
    class Meta:
        model = models.ProductAttribute

    product = factory.SubFactory(ProductFactory)
    value = factory.SubFactory(AttributeValueFactory)


class CollectionFactory(ModelFactory[models.Collection]):
    class Meta:
        model = models.Collection

    name = factory.Sequence(lambda n: f"Collection {n}")
    slug = factory.Sequence(lambda n: f"collection-{n}")
    is_published = True


class StockFactory(ModelFactory[models.Stock]):
    class Meta:
        model = models.Stock

    variant = factory.SubFactory(VariantFactory)
    quantity_on_hand = 10
    quantity_reserved = 0


def stocked_variant(**kwargs: object) -> models.ProductVariant:
    """A variant with a stock row (`on_hand`/`reserved` set its quantities)."""
    on_hand = kwargs.pop("on_hand", 10)
    reserved = kwargs.pop("reserved", 0)
    variant = VariantFactory.create(**kwargs)
    StockFactory.create(
        variant=variant, quantity_on_hand=on_hand, quantity_reserved=reserved
    )
    return variant
