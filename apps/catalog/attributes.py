"""Product attributes (material, fit, ...): conditions, facets and reads."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from asgiref.sync import sync_to_async
from django.db.models import Exists, OuterRef

from apps.catalog import models
from apps.catalog.filters import AttributeCondition
from apps.catalog.rows import (
    AttributeFacet,
    AttributeFacetValue,
    AttributeValueRow,
    ProductAttributeRow,
)
from apps.core import cache_tags


def has_attribute(wanted: AttributeCondition) -> Exists:
    """Products having any of the wanted values of the attribute."""
    return Exists(
        models.ProductAttribute.objects.filter(
            product_id=OuterRef("pk"),
            value__attribute__slug=wanted.attribute,
            value__slug__in=wanted.values,
        )
    )


FACET_VALUE_COLUMNS = (
    "value__attribute__slug",
    "value__attribute__name",
    "value__attribute__kind",
    "value__attribute__sort_order",
    "value__slug",
    "value__name",
    "value__sort_order",
)


def _group_of[G: (AttributeFacet, ProductAttributeRow)](
    groups: list[G], row: Mapping[str, Any], make: type[G]
) -> G:
    """The group of `row`'s attribute: the last one, or a new one (rows are sorted)."""
    if not groups or groups[-1].slug != row["value__attribute__slug"]:
        groups.append(
            make(
                slug=row["value__attribute__slug"],
                name=row["value__attribute__name"],
                kind=row["value__attribute__kind"],
                values=[],
            )
        )
    return groups[-1]


def attribute_facets(rows: list[dict[str, Any]]) -> list[AttributeFacet]:
    """Group value counts by attribute; both in staff's order, then by name."""
    rows.sort(
        key=lambda row: (
            row["value__attribute__sort_order"],
            row["value__attribute__name"],
            row["value__attribute__slug"],
            row["value__sort_order"],
            row["value__name"],
        )
    )
    facets: list[AttributeFacet] = []
    for row in rows:
        _group_of(facets, row, AttributeFacet).values.append(
            AttributeFacetValue(
                slug=row["value__slug"], name=row["value__name"], count=row["count"]
            )
        )
    return facets


def attributes_by_product_ids(ids: list[int]) -> dict[int, list[ProductAttributeRow]]:
    """Each product's attributes and values, in staff's order; one query for all."""
    cache_tags.record(*map(cache_tags.product, ids))
    rows = (
        models.ProductAttribute.objects.filter(product_id__in=ids)
        .order_by(
            "product_id",
            "value__attribute__sort_order",
            "value__attribute__name",
            "value__attribute_id",
            "value__sort_order",
            "value__name",
        )
        .values(
            "product_id",
            "value__attribute_id",
            "value__attribute__slug",
            "value__attribute__name",
            "value__attribute__kind",
            "value__slug",
            "value__name",
        )
    )
    found: dict[int, list[ProductAttributeRow]] = defaultdict(list)
    for row in rows:
        _group_of(found[row["product_id"]], row, ProductAttributeRow).values.append(
            AttributeValueRow(slug=row["value__slug"], name=row["value__name"])
        )
    return found


aattributes_by_product_ids = sync_to_async(attributes_by_product_ids)
