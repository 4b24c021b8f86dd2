"""Demo collections: "Summer sale" (the variants on sale) and "New in" (the newest)."""

from __future__ import annotations

import io
from collections.abc import Iterable

from PIL import Image, ImageDraw

from apps.catalog import media
from apps.catalog.models import Collection, CollectionProduct, Product

SIZE = 24


def _banner(shade: tuple[int, int, int]) -> bytes:
    """A flat banner with a stripe, drawn: no downloads."""
    image = Image.new("RGB", (1280, 480), shade)
    draw = ImageDraw.Draw(image)
    draw.rectangle([(0, 380), (1280, 420)], fill=(250, 248, 244))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _collection(
    slug: str, name: str, description: str, order: int, shade: tuple[int, int, int]
) -> Collection | None:
    """Create the collection with its banner, unless it exists (then None)."""
    if Collection.objects.filter(slug=slug).exists():
        return None
    stored = media.image_store(_banner(shade))
    return Collection.objects.create(
        slug=slug,
        name=name,
        description=description,
        sort_order=order,
        is_published=True,
        seo_title=f"{name} | Fashionistar",
        seo_description=description[:160],
        image_original=stored.name,
        image_renditions=media.renditions_store(stored)[0],
        image_alt=name,
    )


def demo_collections_seed() -> int:
    """Add the two demo collections if missing; return how many were added."""
    added = 0
    sale = _collection(
        "summer-sale",
        "Summer sale",
        "Pieces marked down for the season, while they last.",
        1,
        (222, 170, 40),
    )
    if sale is not None:
        on_sale = (
            Product.objects.filter(
                is_published=True, variants__compare_at_price__isnull=False
            )
            .distinct()
            .order_by("name", "id")[:SIZE]
        )
        _fill(sale, on_sale)
        added += 1
    new_in = _collection(
        "new-in", "New in", "The latest arrivals, newest first.", 2, (30, 42, 84)
    )
    if new_in is not None:
        newest = Product.objects.filter(is_published=True).order_by(
            "-created_at", "-id"
        )
        _fill(new_in, newest[:SIZE])
        added += 1
    return added


def _fill(collection: Collection, products: Iterable[Product]) -> None:
    CollectionProduct.objects.bulk_create(
        CollectionProduct(collection=collection, product=product, sort_order=n)
        for n, product in enumerate(products)
    )
