"""The hand-written baseline: the same data as the benchmark's GraphQL query.

It is what a careful engineer would write without GraphQL: two SQL queries
(products joined to their category; variants joined to their stock), one
thread hop, dicts straight to JSON. The GraphQL endpoint is measured against it.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from asgiref.sync import sync_to_async
from django.db.models import F
from django.http import HttpRequest, JsonResponse

from apps.catalog import models


def _products(first: int) -> dict[str, Any]:
    products = list(
        models.Product.objects.filter(is_published=True)
        .order_by("name", "id")
        .values("id", "name", category_name=F("category__name"))[:first]
    )
    variants: dict[int, list[dict[str, Any]]] = defaultdict(list)
    rows = (
        models.ProductVariant.objects.filter(product_id__in=[p["id"] for p in products])
        .order_by("product_id", "id")
        .values_list(
            "product_id",
            "sku",
            "size",
            "colour",
            "stock__quantity_on_hand",
            "stock__quantity_reserved",
        )
    )
    for product_id, sku, size, colour, on_hand, reserved in rows:
        variants[product_id].append(
            {
                "sku": sku,
                "size": size,
                "colour": colour,
                "available": (on_hand or 0) - (reserved or 0),
            }
        )
    edges = [
        {
            "node": {
                "name": p["name"],
                "category": {"name": p["category_name"]},
                "variants": variants[p["id"]],
            }
        }
        for p in products
    ]
    return {"data": {"products": {"edges": edges}}}


async def products(request: HttpRequest) -> JsonResponse:
    first = min(int(request.GET.get("first", "50")), 100)
    return JsonResponse(await sync_to_async(_products)(first))


async def plain(request: HttpRequest) -> JsonResponse:
    """The floor of any JSON answer: Django's stack, no query, no GraphQL."""
    return JsonResponse({"data": {"__typename": "Query"}})
