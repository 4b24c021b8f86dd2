"""The demo catalog as plain data: a category tree and a product generator.

Nothing here touches the database. `product_spec(seed=..., index=...)` is a
pure function of its arguments: it seeds its own `random.Random` from a
string (hashed with SHA-512, so independent of PYTHONHASHSEED and platform)
and draws only integers and choices, never floating-point maths that could
round differently. So product 17 of seed 42 is the same on every machine and
does not depend on how many products are generated around it.
That is what lets a larger `--products` add only the missing products.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_FLOOR, Decimal
from enum import StrEnum

from django.utils.text import slugify


class Kind(StrEnum):
    APPAREL = "apparel"
    SHOES = "shoes"
    ACCESSORY = "accessory"


APPAREL_SIZES = ("XS", "S", "M", "L", "XL", "XXL")
WOMEN_SHOE_SIZES = tuple(f"EU {n}" for n in range(36, 43))
MEN_SHOE_SIZES = tuple(f"EU {n}" for n in range(40, 47))
UNISEX_SHOE_SIZES = tuple(f"EU {n}" for n in range(36, 47))
ONE_SIZE = ("One Size",)

# Colour name -> the three letters it contributes to a SKU (unique).
COLOUR_CODES = {
    "Black": "BLK",
    "White": "WHT",
    "Ivory": "IVR",
    "Ecru": "ECR",
    "Cream": "CRM",
    "Navy": "NVY",
    "Camel": "CML",
    "Olive": "OLV",
    "Khaki": "KHK",
    "Burgundy": "BGY",
    "Charcoal": "CHR",
    "Grey Marl": "GRM",
    "Stone": "STN",
    "Sand": "SND",
    "Tan": "TAN",
    "Chocolate": "CHC",
    "Sage Green": "SGE",
    "Forest Green": "FRS",
    "Blush Pink": "BLS",
    "Lilac": "LLC",
    "Sky Blue": "SKY",
    "Cobalt Blue": "CBT",
    "Rust": "RST",
    "Terracotta": "TRC",
    "Mustard": "MST",
    "Red": "RED",
    "Indigo": "IND",
    "Light Wash": "LTW",
    "Mid Wash": "MDW",
    "Gold": "GLD",
    "Silver": "SLV",
    "Rose Gold": "RSG",
    "Tortoiseshell": "TRT",
}

CLOTHES = (
    "Black", "White", "Ivory", "Ecru", "Navy", "Camel", "Olive", "Khaki",
    "Burgundy", "Charcoal", "Grey Marl", "Stone", "Sand", "Chocolate",
    "Sage Green", "Forest Green", "Blush Pink", "Lilac", "Sky Blue",
    "Cobalt Blue", "Rust", "Terracotta", "Mustard", "Red",
)  # fmt: skip
DENIM = ("Indigo", "Light Wash", "Mid Wash", "Black", "Ecru")
LEATHER = ("Black", "Tan", "Chocolate", "Burgundy", "Stone", "Navy", "Cream")
TRAINERS = ("White", "Black", "Stone", "Navy", "Grey Marl", "Sage Green", "Red")
METALS = ("Gold", "Silver", "Rose Gold")
EYEWEAR = ("Black", "Tortoiseshell", "Gold", "Silver", "Chocolate")

# Fictional brands and their SKU prefixes.
BRANDS = (
    ("Atelier Nova", "ATN"),
    ("Maison Lune", "MLN"),
    ("Northwell", "NWL"),
    ("Kestrel & Co", "KST"),
    ("Oakline", "OAK"),
    ("Studio Vela", "VLA"),
    ("Sable Row", "SBR"),
    ("Terra Mode", "TRM"),
    ("Halden", "HLD"),
    ("Corsa", "CRS"),
    ("Linden & Hart", "LDH"),
    ("Solenne", "SOL"),
    ("Ashby Lane", "ASH"),
    ("Rue Marin", "RUE"),
)

STYLE_NAMES = (
    "Amalfi", "Brera", "Camden", "Dune", "Everly", "Harbour", "Hudson",
    "Kyoto", "Lisbon", "Marais", "Monroe", "Nolita", "Oslo", "Porto",
    "Riviera", "Soho", "Tulum", "Verona",
)  # fmt: skip


@dataclass(frozen=True, slots=True, kw_only=True)
class Leaf:
    """A category products are filed under, and what its products look like."""

    path: tuple[str, ...]  # category names from the root
    kind: Kind
    sizes: tuple[str, ...]
    colours: tuple[str, ...]
    price: tuple[int, int]  # whole US dollars, inclusive
    nouns: tuple[str, ...]
    details: tuple[str, ...]  # words before the noun: fabric, cut, finish


def _leaf(
    path: str,
    sizes: tuple[str, ...],
    colours: tuple[str, ...],
    low: int,
    high: int,
    nouns: str,
    details: str,
) -> Leaf:
    if sizes == ONE_SIZE:
        kind = Kind.ACCESSORY
    elif sizes == APPAREL_SIZES:
        kind = Kind.APPAREL
    else:
        kind = Kind.SHOES
    return Leaf(
        path=tuple(path.split("/")),
        kind=kind,
        sizes=sizes,
        colours=colours,
        price=(low, high),
        nouns=tuple(nouns.split("|")),
        details=tuple(details.split("|")),
    )


_A, _W, _M, _U, _1 = (
    APPAREL_SIZES, WOMEN_SHOE_SIZES, MEN_SHOE_SIZES, UNISEX_SHOE_SIZES, ONE_SIZE
)  # fmt: skip
_KNIT = "Merino|Cashmere-Blend|Chunky|Ribbed|Cable-Knit"
_TEES = "Organic Cotton|Slub|Boxy|Heavyweight|Striped"
_OUTER = "Wool-Blend|Quilted|Water-Repellent|Double-Breasted"
_SNEAKS = "Leather|Suede|Retro|Canvas|Chunky"

# One row per leaf category: path, sizes, palette, price range in dollars,
# then the nouns and details product names are made of ("|"-separated).
# fmt: off
LEAVES: tuple[Leaf, ...] = (
    _leaf("Women/Dresses/Maxi dresses", _A, CLOTHES, 79, 240,
          "Maxi Dress|Tiered Maxi Dress|Wrap Maxi Dress", "Linen|Floral|Satin|Broderie|Pleated"),
    _leaf("Women/Dresses/Midi dresses", _A, CLOTHES, 59, 190,
          "Midi Dress|Slip Dress|Shirt Dress", "Satin|Polka-Dot|Cotton Poplin|Ribbed|Linen"),
    _leaf("Women/Dresses/Mini dresses", _A, CLOTHES, 45, 150,
          "Mini Dress|Smock Dress|Shift Dress", "Sequin|Denim|Gingham|Velvet|Crepe"),
    _leaf("Women/Tops/T-shirts", _A, CLOTHES, 19, 55, "T-Shirt|Crew-Neck Tee|Tank Top", _TEES),
    _leaf("Women/Tops/Blouses", _A, CLOTHES, 39, 140,
          "Blouse|Shirt|Camisole", "Silk|Satin|Ruffled|Sheer|Linen"),
    _leaf("Women/Tops/Knitwear", _A, CLOTHES, 49, 220, "Jumper|Cardigan|Turtleneck", _KNIT),
    _leaf("Women/Bottoms/Jeans", _A, DENIM, 49, 160,
          "Straight-Leg Jeans|Wide-Leg Jeans|Skinny Jeans|Mom Jeans",
          "High-Rise|Vintage|Raw-Hem|Stretch"),
    _leaf("Women/Bottoms/Trousers", _A, CLOTHES, 45, 180,
          "Trousers|Wide-Leg Trousers|Cigarette Trousers", "Tailored|Linen|Pleated|Wool-Blend"),
    _leaf("Women/Bottoms/Skirts", _A, CLOTHES, 35, 130,
          "Midi Skirt|Mini Skirt|Pleated Skirt", "Satin|Denim|Leather-Look|Plissé"),
    _leaf("Women/Outerwear/Coats", _A, CLOTHES, 120, 450, "Coat|Trench Coat|Wrap Coat", _OUTER),
    _leaf("Women/Outerwear/Jackets", _A, CLOTHES, 69, 260,
          "Blazer|Denim Jacket|Bomber Jacket", "Cropped|Oversized|Tailored|Faux-Leather"),
    _leaf("Women/Shoes/Heels", _W, LEATHER, 69, 260,
          "Pumps|Slingback Heels|Block Heels", "Patent|Suede|Leather|Pointed"),
    _leaf("Women/Shoes/Sneakers", _W, TRAINERS, 59, 180,
          "Sneakers|Low-Top Sneakers|Platform Sneakers", _SNEAKS),
    _leaf("Women/Shoes/Boots", _W, LEATHER, 99, 340,
          "Ankle Boots|Knee-High Boots|Chelsea Boots", "Leather|Suede|Lug-Sole|Western"),
    _leaf("Women/Shoes/Sandals", _W, LEATHER, 35, 140,
          "Sandals|Slides|Espadrilles", "Leather|Strappy|Woven|Platform"),
    _leaf("Men/Tops/T-shirts", _A, CLOTHES, 19, 55, "T-Shirt|Pocket Tee|Long-Sleeve Tee", _TEES),
    _leaf("Men/Tops/Shirts", _A, CLOTHES, 39, 150,
          "Oxford Shirt|Overshirt|Shirt", "Linen|Brushed Cotton|Flannel|Corduroy|Poplin"),
    _leaf("Men/Tops/Knitwear", _A, CLOTHES, 49, 220, "Jumper|Cardigan|Roll-Neck Jumper", _KNIT),
    _leaf("Men/Bottoms/Jeans", _A, DENIM, 49, 180,
          "Slim Jeans|Straight Jeans|Relaxed Jeans", "Selvedge|Rinse|Stretch|Vintage"),
    _leaf("Men/Bottoms/Chinos", _A, CLOTHES, 45, 130,
          "Chinos|Pleated Chinos|Cargo Trousers", "Cotton Twill|Slim|Relaxed|Garment-Dyed"),
    _leaf("Men/Bottoms/Shorts", _A, CLOTHES, 29, 90,
          "Shorts|Chino Shorts|Swim Shorts", "Linen|Seersucker|Cotton|Quick-Dry"),
    _leaf("Men/Outerwear/Coats", _A, CLOTHES, 140, 480, "Overcoat|Car Coat|Parka", _OUTER),
    _leaf("Men/Outerwear/Jackets", _A, CLOTHES, 89, 320,
          "Harrington Jacket|Field Jacket|Blazer", "Waxed Cotton|Suede|Unstructured|Padded"),
    _leaf("Men/Shoes/Sneakers", _M, TRAINERS, 69, 200,
          "Sneakers|High-Top Sneakers|Runners", _SNEAKS),
    _leaf("Men/Shoes/Boots", _M, LEATHER, 119, 360,
          "Chelsea Boots|Derby Boots|Hiking Boots", "Leather|Suede|Commando-Sole|Waxed"),
    _leaf("Men/Shoes/Loafers", _M, LEATHER, 89, 280,
          "Loafers|Penny Loafers|Tassel Loafers", "Leather|Suede|Polished|Chunky"),
    _leaf("Unisex/Sneakers", _U, TRAINERS, 59, 190, "Sneakers|Court Sneakers|Runners", _SNEAKS),
    _leaf("Unisex/Hoodies", _A, CLOTHES, 45, 120,
          "Hoodie|Zip-Up Hoodie|Sweatshirt", "Loopback|Fleece|Organic Cotton|Oversized"),
    _leaf("Accessories/Bags/Totes", _1, LEATHER, 39, 290,
          "Tote Bag|Shopper|Canvas Tote", "Leather|Woven|Oversized|Recycled"),
    _leaf("Accessories/Bags/Crossbody bags", _1, LEATHER, 49, 320,
          "Crossbody Bag|Saddle Bag|Camera Bag", "Leather|Quilted|Mini|Croc-Effect"),
    _leaf("Accessories/Bags/Backpacks", _1, (*LEATHER, "Olive", "Khaki"), 59, 260,
          "Backpack|Rolltop Backpack|Daypack", "Nylon|Leather|Canvas|Water-Resistant"),
    _leaf("Accessories/Jewellery/Necklaces", _1, METALS, 25, 180,
          "Necklace|Pendant Necklace|Chain", "Pearl|Sterling Silver|Herringbone|Layered"),
    _leaf("Accessories/Jewellery/Earrings", _1, METALS, 19, 120,
          "Hoop Earrings|Stud Earrings|Drop Earrings", "Pearl|Chunky|Mini|Textured"),
    _leaf("Accessories/Hats", _1, CLOTHES, 19, 60,
          "Beanie|Baseball Cap|Bucket Hat", "Ribbed|Wool|Washed Cotton|Corduroy"),
    _leaf("Accessories/Scarves", _1, CLOTHES, 25, 160,
          "Scarf|Square Scarf|Wrap", "Cashmere|Silk|Lambswool|Checked"),
    _leaf("Accessories/Belts", _1, LEATHER, 25, 95,
          "Belt|Buckle Belt|Woven Belt", "Leather|Suede|Reversible|Skinny"),
    _leaf("Accessories/Sunglasses", _1, EYEWEAR, 39, 210,
          "Sunglasses|Aviator Sunglasses|Cat-Eye Sunglasses", "Polarised|Oversized|Round|Acetate"),
)
# fmt: on


@dataclass(frozen=True, slots=True, kw_only=True)
class CategorySpec:
    name: str
    slug: str
    parent_slug: str | None
    depth: int  # 0 for a top-level category


def _category_slug(path: tuple[str, ...]) -> str:
    return "-".join(slugify(name) for name in path)


def _categories() -> tuple[CategorySpec, ...]:
    """Every category on a leaf's path, parents before their children."""
    specs: dict[str, CategorySpec] = {}
    for leaf in LEAVES:
        for depth in range(len(leaf.path)):
            slug = _category_slug(leaf.path[: depth + 1])
            specs.setdefault(
                slug,
                CategorySpec(
                    name=leaf.path[depth],
                    slug=slug,
                    parent_slug=_category_slug(leaf.path[:depth]) if depth else None,
                    depth=depth,
                ),
            )
    return tuple(sorted(specs.values(), key=lambda spec: spec.depth))


CATEGORIES = _categories()


@dataclass(frozen=True, slots=True, kw_only=True)
class VariantSpec:
    sku: str
    size: str
    colour: str
    price_override: Decimal | None
    quantity_on_hand: int
    quantity_reserved: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ProductSpec:
    name: str
    slug: str
    description: str
    brand: str
    category_slug: str
    base_price: Decimal  # USD
    is_published: bool
    age: timedelta  # how long before the seeding run it was created
    variants: tuple[VariantSpec, ...]


MAX_AGE = timedelta(days=365)

_FITS = {
    Kind.APPAREL: (
        "cut for an easy, relaxed fit",
        "with a softly tailored silhouette",
        "in a true-to-size regular fit",
        "designed to drape beautifully",
        "finished with clean, minimal seams",
    ),
    Kind.SHOES: (
        "built on a cushioned footbed",
        "set on a lightweight rubber sole",
        "with a padded collar for all-day comfort",
        "finished with tonal stitching",
    ),
    Kind.ACCESSORY: (
        "sized for everyday essentials",
        "finished with polished hardware",
        "made to be worn every day",
        "with a clean, minimal profile",
    ),
}
_CARE = {
    Kind.APPAREL: (
        "Machine wash cold and line dry.",
        "Dry clean only.",
        "Hand wash cold; do not tumble dry.",
    ),
    Kind.SHOES: ("Wipe clean with a damp cloth.", "Leather lining and insole."),
    Kind.ACCESSORY: (
        "Comes with a protective dust bag.",
        "Keep away from water and perfume.",
    ),
}
_STYLING = (
    "Easy to dress up or down.",
    "A wardrobe staple for every season.",
    "Pairs well with denim and white sneakers.",
    "Part of our responsibly sourced collection.",
    "Designed in-house and made in small runs.",
)
_ORIGINS = ("Portugal", "Italy", "Turkey", "India", "Vietnam", "Spain")
# Price endings a shop actually uses, weighted by how often they appear.
_CENTS = (("00", 3), ("95", 3), ("99", 2), ("50", 1))


def product_spec(*, seed: int, index: int) -> ProductSpec:
    """Return demo product `index` (0-based) of the catalog for `seed`."""
    # Not security-sensitive: demo data only needs to be reproducible.
    rng = random.Random(f"fashionistar-demo/{seed}/{index}")  # noqa: S311
    leaf = rng.choice(LEAVES)
    brand, brand_code = rng.choice(BRANDS)
    detail = rng.choice(leaf.details)
    noun = rng.choice(leaf.nouns)
    name = f"{detail} {noun}"
    if rng.randrange(10) < 4:
        name = f"{rng.choice(STYLE_NAMES)} {name}"
    style = f"{seed}-{index + 1:05d}"
    base_price = _price(rng, leaf.price)
    variants = tuple(
        _variants(rng, leaf, base_price, sku_prefix=f"{brand_code}-{style}")
    )
    return ProductSpec(
        name=name,
        slug=f"{slugify(f'{brand} {name}')}-{style}",
        description=_description(rng, leaf, brand, detail, noun),
        brand=brand,
        category_slug=_category_slug(leaf.path),
        base_price=base_price,
        is_published=rng.randrange(100) < 93,
        age=timedelta(seconds=rng.randrange(int(MAX_AGE.total_seconds()))),
        variants=variants,
    )


def _price(rng: random.Random, bounds: tuple[int, int]) -> Decimal:
    dollars = rng.randint(*bounds)
    if dollars >= 100:
        dollars -= dollars % 5
    (cents,) = rng.choices([c for c, _ in _CENTS], weights=[w for _, w in _CENTS], k=1)
    return Decimal(f"{max(dollars, bounds[0])}.{cents}")


def _description(
    rng: random.Random, leaf: Leaf, brand: str, detail: str, noun: str
) -> str:
    subject = f"{detail} {noun}".lower()
    if noun.endswith("s") and not noun.endswith("ss"):  # jeans, loafers
        subject = subject.capitalize()
    else:
        subject = f"{'An' if subject[0] in 'aeiou' else 'A'} {subject}"
    return " ".join(
        (
            f"{subject} from {brand}, {rng.choice(_FITS[leaf.kind])}.",
            rng.choice(_STYLING),
            rng.choice(_CARE[leaf.kind]),
            f"Made in {rng.choice(_ORIGINS)}.",
        )
    )


def _variants(
    rng: random.Random, leaf: Leaf, base_price: Decimal, *, sku_prefix: str
) -> list[VariantSpec]:
    count = rng.randint(3, 6)
    sizes: tuple[str, ...] = leaf.sizes
    if len(sizes) == 1:
        # One-size items vary by colour alone; metals only come in three.
        colours = rng.sample(leaf.colours, min(count, len(leaf.colours)))
    else:
        # Either one colour in a run of sizes, or a few colours that share a
        # shorter run: 6 variants may be 1x6, 2x3 or 3x2.
        splits = [
            (n, count // n)
            for n in (1, 2, 3)
            if count % n == 0 and 2 <= count // n <= len(leaf.sizes)
        ]
        n_colours, n_sizes = rng.choice(splits)
        colours = rng.sample(leaf.colours, n_colours)
        start = rng.randint(0, len(sizes) - n_sizes)
        sizes = sizes[start : start + n_sizes]
    variants = []
    for colour in colours:
        override = _price_override(rng, base_price)
        for size in sizes:
            on_hand, reserved = _stock(rng)
            size_code = size.removeprefix("EU ") if size != "One Size" else "OS"
            variants.append(
                VariantSpec(
                    sku=f"{sku_prefix}-{COLOUR_CODES[colour]}-{size_code}",
                    size=size,
                    colour=colour,
                    price_override=override,
                    quantity_on_hand=on_hand,
                    quantity_reserved=reserved,
                )
            )
    return variants


def _price_override(rng: random.Random, base_price: Decimal) -> Decimal | None:
    """A colour on sale or in a premium finish now and then; else None."""
    roll = rng.randrange(100)
    if roll >= 5:
        return None
    percent = 75 if roll < 3 else 115
    whole = (base_price * percent / 100).to_integral_value(rounding=ROUND_FLOOR)
    return max(whole, Decimal(2)) - Decimal("0.01")


def _stock(rng: random.Random) -> tuple[int, int]:
    """Return (on hand, reserved): mostly in stock, some sold out or low."""
    roll = rng.randrange(100)
    if roll < 8:  # sold out: nothing left, or every unit held by an order
        held = rng.choice((0, 0, 0, rng.randint(1, 3)))
        return held, held
    if roll < 20:  # the last 1 to 5 units
        reserved = rng.choice((0, 0, 0, 1, 2))
        return rng.randint(1, 5) + reserved, reserved
    on_hand = rng.randint(6, 40) if rng.randrange(5) else rng.randint(41, 150)
    if on_hand > 6 and rng.randrange(5) == 0:
        return on_hand, rng.randint(1, min(8, on_hand - 6))
    return on_hand, 0
