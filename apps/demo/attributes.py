"""Demo attributes (material, fit, pattern, season, care), read off each product.

A product's values follow from words of its name and description ("Linen
Midi Dress" is linen; "Dry clean only." is dry clean), so the facets agree
with what a shopper reads. Pure rules: the same product always gets the same values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.text import slugify

from apps.catalog import models


@dataclass(frozen=True, slots=True)
class AttributeSpec:
    slug: str
    name: str
    kind: str
    values: tuple[str, ...]


ATTRIBUTES = (
    AttributeSpec("material", "Material", models.Attribute.Kind.MULTIPLE, (
        "Cotton", "Linen", "Silk", "Satin", "Wool", "Cashmere", "Denim", "Leather",
        "Suede", "Canvas", "Velvet", "Nylon", "Acetate", "Metal", "Polyester",
    )),
    AttributeSpec("fit", "Fit", models.Attribute.Kind.SINGLE, (
        "Slim", "Regular", "Relaxed", "Oversized",
    )),
    AttributeSpec("pattern", "Pattern", models.Attribute.Kind.SINGLE, (
        "Plain", "Striped", "Floral", "Checked", "Polka dot",
    )),
    AttributeSpec("season", "Season", models.Attribute.Kind.SINGLE, (
        "Spring/Summer", "Autumn/Winter", "All season",
    )),
    AttributeSpec("care", "Care", models.Attribute.Kind.SINGLE, (
        "Machine wash", "Hand wash", "Dry clean", "Wipe clean",
    )),
)  # fmt: skip

# A word of the name -> the material it means; the first match wins.
_MATERIAL_WORDS = (
    ("linen", "Linen"), ("silk", "Silk"), ("satin", "Satin"),
    ("cashmere", "Cashmere"), ("merino", "Wool"), ("lambswool", "Wool"),
    ("wool", "Wool"), ("denim", "Denim"), ("jeans", "Denim"),
    ("suede", "Suede"), ("leather", "Leather"), ("canvas", "Canvas"),
    ("velvet", "Velvet"), ("nylon", "Nylon"), ("acetate", "Acetate"),
    ("sunglasses", "Acetate"), ("necklace", "Metal"), ("earrings", "Metal"),
    ("chain", "Metal"), ("sneakers", "Leather"), ("boots", "Leather"),
    ("loafers", "Leather"), ("heels", "Leather"), ("pumps", "Leather"),
    ("sequin", "Polyester"), ("quick-dry", "Polyester"), ("parka", "Nylon"),
)  # fmt: skip
_PATTERN_WORDS = (
    ("floral", "Floral"), ("striped", "Striped"), ("seersucker", "Striped"),
    ("gingham", "Checked"), ("checked", "Checked"), ("flannel", "Checked"),
    ("polka-dot", "Polka dot"),
)  # fmt: skip
_FIT_WORDS = (
    ("slim", "Slim"), ("skinny", "Slim"), ("cigarette", "Slim"),
    ("relaxed", "Relaxed"), ("wide-leg", "Relaxed"), ("mom", "Relaxed"),
    ("oversized", "Oversized"), ("boxy", "Oversized"),
)  # fmt: skip
_WARM = ("coat", "parka", "wool", "cashmere", "merino", "knit", "jumper", "boots",
         "cardigan", "turtleneck", "roll-neck", "beanie", "flannel", "corduroy")  # fmt: skip
_SUMMER = ("linen", "shorts", "sandals", "slides", "espadrilles", "swim",
           "seersucker", "tank", "sunglasses", "bucket")  # fmt: skip
_CARE_PHRASES = (
    ("machine wash", "Machine wash"), ("hand wash", "Hand wash"),
    ("dry clean", "Dry clean"), ("wipe clean", "Wipe clean"),
)  # fmt: skip
_APPAREL_SIZES = {"XS", "S", "M", "L", "XL", "XXL"}


def _first(words: Sequence[str], table: Sequence[tuple[str, str]]) -> str | None:
    for key, value in table:
        if key in words:
            return value
    return None


def demo_attribute_values(
    *, name: str, description: str, sizes: Sequence[str]
) -> dict[str, str]:
    """Return {attribute slug: value name} for one demo product."""
    words = name.lower().split()
    found = {
        "material": _first(words, _MATERIAL_WORDS) or "Cotton",
        "pattern": _first(words, _PATTERN_WORDS) or "Plain",
        "season": (
            "Autumn/Winter"
            if any(w in words for w in _WARM)
            else "Spring/Summer"
            if any(w in words for w in _SUMMER)
            else "All season"
        ),
    }
    if set(sizes) <= _APPAREL_SIZES:
        found["fit"] = _first(words, _FIT_WORDS) or "Regular"
    text = description.lower()
    care = next((value for phrase, value in _CARE_PHRASES if phrase in text), None)
    if care is not None:
        found["care"] = care
    return found


def demo_attributes_ensure() -> dict[tuple[str, str], int]:
    """Create the missing demo attributes and values; return {(attribute, value): id}."""
    ids: dict[tuple[str, str], int] = {}
    for order, spec in enumerate(ATTRIBUTES):
        attribute, _ = models.Attribute.objects.get_or_create(
            slug=spec.slug,
            defaults={"name": spec.name, "kind": spec.kind, "sort_order": order},
        )
        for position, value in enumerate(spec.values):
            row, _ = models.AttributeValue.objects.get_or_create(
                attribute=attribute,
                slug=slugify(value),
                defaults={"name": value, "sort_order": position},
            )
            ids[spec.slug, value] = row.pk
    return ids
