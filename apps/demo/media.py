"""Demo product images, drawn with Pillow: no downloads, a picture per product colour.

One flat drawing per (kind, colour): a dress, a shoe or a bag in the colour's
shade on a light ground. Products of the same kind and colour share the
drawing, and so its stored file and renditions (files are content-addressed),
so seeding 2,000 products encodes about a hundred images, not thousands.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Callable
from functools import cache

from django.core.files.storage import default_storage
from PIL import Image, ImageDraw

from apps.catalog import media
from apps.catalog.models import ProductMedia, ProductVariant

WIDTH, HEIGHT = 800, 1000
GROUND = (244, 241, 236)

# Demo colour names (apps.demo.catalog_data) as RGB.
SHADES = {
    "Black": (28, 28, 30), "White": (250, 250, 248), "Ivory": (242, 236, 220),
    "Ecru": (225, 215, 190), "Cream": (240, 230, 205), "Navy": (30, 42, 84),
    "Camel": (193, 154, 107), "Olive": (107, 112, 62), "Khaki": (176, 164, 120),
    "Burgundy": (110, 28, 45), "Charcoal": (60, 62, 66), "Grey Marl": (150, 150, 152),
    "Stone": (190, 182, 166), "Sand": (214, 196, 160), "Tan": (180, 130, 85),
    "Chocolate": (92, 58, 38), "Sage Green": (156, 175, 136),
    "Forest Green": (34, 85, 55), "Blush Pink": (236, 190, 190), "Lilac": (196, 170, 220),
    "Sky Blue": (140, 190, 230), "Cobalt Blue": (0, 71, 171), "Rust": (183, 65, 14),
    "Terracotta": (204, 102, 77), "Mustard": (222, 170, 40), "Red": (196, 30, 40),
    "Indigo": (52, 62, 120), "Light Wash": (160, 185, 210), "Mid Wash": (95, 125, 165),
    "Gold": (212, 175, 55), "Silver": (192, 192, 196), "Rose Gold": (200, 140, 125),
    "Tortoiseshell": (120, 70, 35),
}  # fmt: skip


def _dress(draw: ImageDraw.ImageDraw, fill: tuple[int, int, int]) -> None:
    draw.polygon(
        [(330, 180), (470, 180), (500, 420), (620, 860), (180, 860), (300, 420)],
        fill=fill,
    )
    draw.rectangle([(345, 120), (370, 185)], fill=fill)
    draw.rectangle([(430, 120), (455, 185)], fill=fill)


def _shoe(draw: ImageDraw.ImageDraw, fill: tuple[int, int, int]) -> None:
    draw.ellipse([(140, 520), (680, 720)], fill=fill)
    draw.polygon([(160, 620), (260, 420), (420, 430), (460, 560)], fill=fill)
    draw.rectangle([(140, 700), (680, 740)], fill=(60, 60, 60))


def _bag(draw: ImageDraw.ImageDraw, fill: tuple[int, int, int]) -> None:
    draw.arc([(270, 200), (530, 520)], start=180, end=360, fill=fill, width=28)
    draw.rounded_rectangle([(190, 360), (610, 780)], radius=40, fill=fill)


_SHAPES: dict[str, Callable[[ImageDraw.ImageDraw, tuple[int, int, int]], None]] = {
    "apparel": _dress,
    "shoes": _shoe,
    "accessory": _bag,
}


@cache  # the same bytes every time: drawn once per process
def drawing(kind: str, colour: str) -> bytes:
    """A PNG of the kind's silhouette in the colour (grey for unknown names)."""
    image = Image.new("RGB", (WIDTH, HEIGHT), GROUND)
    draw = ImageDraw.Draw(image)
    draw.ellipse([(150, 860), (650, 910)], fill=(225, 221, 214))  # shadow
    _SHAPES[kind](draw, SHADES.get(colour, (128, 128, 128)))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


# (kind, colour) -> the stored drawing and its renditions, for this process.
_STORED: dict[tuple[str, str], tuple[media.StoredImage, dict[str, dict[str, str]]]] = {}


def _stored(
    kind: str, colour: str
) -> tuple[media.StoredImage, dict[str, dict[str, str]]]:
    """The drawing stored with its renditions: once per process while its file exists."""
    known = _STORED.get((kind, colour))
    if known is None or not default_storage.exists(known[0].name):
        stored = media.image_store(drawing(kind, colour))
        known = (stored, media.renditions_store(stored)[0])
        _STORED[(kind, colour)] = known
    return known


def _kind(sizes: set[str]) -> str:
    if sizes == {"One Size"}:
        return "accessory"
    return "shoes" if any(size.startswith("EU ") for size in sizes) else "apparel"


def demo_media_seed() -> int:
    """Give every product without images one per colour; return how many were made."""
    pictured = set(ProductMedia.objects.values_list("product_id", flat=True).distinct())
    colours: dict[int, list[str]] = defaultdict(list)
    sizes: dict[int, set[str]] = defaultdict(set)
    names: dict[int, str] = {}
    rows = ProductVariant.objects.exclude(product_id__in=pictured).order_by(
        "product_id", "id"
    )
    for product_id, name, colour, size in rows.values_list(
        "product_id", "product__name", "colour", "size"
    ):
        names[product_id] = name
        sizes[product_id].add(size)
        if colour not in colours[product_id]:
            colours[product_id].append(colour)
    images = []
    for product_id, product_colours in colours.items():
        kind = _kind(sizes[product_id])
        for order, colour in enumerate(product_colours):
            stored, renditions = _stored(kind, colour)
            images.append(
                ProductMedia(
                    product_id=product_id,
                    colour=colour,
                    alt=f"{names[product_id]} in {colour}",
                    sort_order=order,
                    original=stored.name,
                    content_hash=stored.content_hash,
                    width=stored.width,
                    height=stored.height,
                    renditions=renditions,
                )
            )
    ProductMedia.objects.bulk_create(images, batch_size=1000)
    return len(images)
