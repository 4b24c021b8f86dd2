from __future__ import annotations

from decimal import Decimal

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q

from apps.core.models import TimeStamped
from apps.core.money import CURRENCY_CHOICES, MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS

# Lists the API serves whole, without pagination: their bounds are what the
# query cost prices them at (schema/core/cost.py), so the catalog holds them.
MAX_VARIANTS_PER_PRODUCT = 50
MAX_SUBCATEGORIES = 50
COLOUR_MAX_LENGTH = 32  # a variant's colour, and an image's colour to match it
ALT_MAX_LENGTH = 250  # an image's alt text
# Attributes are priced by these bounds in every product list that shows
# them, so they are what a fashion shop needs, not more: a storefront's
# listing with attributes and their facets must stay under the cost limit.
MAX_ATTRIBUTES = 12  # attributes staff may define
MAX_ATTRIBUTE_VALUES = 50  # values of one attribute
MAX_VALUES_PER_PRODUCT = 5  # values of one MULTIPLE attribute on one product


class Category(models.Model):
    """A node of the catalog tree (Women > Dresses > Maxi dresses)."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        verbose_name_plural = "categories"
        ordering = ("name", "id")
        indexes = [models.Index(fields=["name", "id"], name="catalog_category_name_id")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Refuse a subcategory past MAX_SUBCATEGORIES under one parent."""
        siblings = Category.objects.filter(parent=self.parent_id).exclude(pk=self.pk)
        if self.parent_id is not None and siblings.count() >= MAX_SUBCATEGORIES:
            msg = f"A category may have at most {MAX_SUBCATEGORIES} subcategories."
            raise ValidationError({"parent": msg})


class Product(TimeStamped):
    """A sellable design; customers buy one of its variants."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    description = models.TextField(blank=True)
    brand = models.CharField(max_length=120)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="products"
    )
    base_price = models.DecimalField(
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=MONEY_DECIMAL_PLACES,
        validators=[MinValueValidator(Decimal(0))],
    )
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES, default="USD")
    is_published = models.BooleanField(default=False)
    # Kept by the database on PostgreSQL (migration 0008): name A, brand and
    # category path B, attribute values C, description D. NULL on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ("name", "id")
        constraints = [
            models.CheckConstraint(
                condition=Q(base_price__gte=0),
                name="catalog_product_price_non_negative",
            ),
        ]
        # One index per sort order the API offers, led by the published flag
        # every public listing filters on, ending in the id tie-breaker.
        indexes = [
            models.Index(
                fields=["is_published", "name", "id"], name="catalog_prod_pub_name"
            ),
            models.Index(
                fields=["is_published", "base_price", "id"],
                name="catalog_prod_pub_price",
            ),
            models.Index(
                fields=["is_published", "created_at", "id"],
                name="catalog_prod_pub_created",
            ),
            models.Index(
                fields=["category", "is_published"], name="catalog_prod_category_pub"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ProductVariant(models.Model):
    """One size/colour combination of a product, the unit that is stocked."""

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="variants"
    )
    sku = models.CharField(max_length=64, unique=True)
    size = models.CharField(max_length=16)
    colour = models.CharField(max_length=COLOUR_MAX_LENGTH)
    price_override = models.DecimalField(
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=MONEY_DECIMAL_PLACES,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text="Price in the product's currency; empty means the product's base price.",
    )
    compare_at_price = models.DecimalField(
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=MONEY_DECIMAL_PLACES,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text="The price before a sale, shown struck through; must be above "
        "the variant's price. Empty: not on sale.",
    )
    weight_grams = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Shipping weight in grams, for methods priced by weight; empty counts as 0.",
    )

    class Meta:
        ordering = ("product", "id")
        constraints = [
            models.UniqueConstraint(
                fields=["product", "size", "colour"],
                name="catalog_variant_unique_option",
            ),
            models.CheckConstraint(
                condition=Q(price_override__isnull=True) | Q(price_override__gte=0),
                name="catalog_variant_price_non_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["size", "product"], name="catalog_variant_size"),
            models.Index(fields=["colour", "product"], name="catalog_variant_colour"),
        ]

    def __str__(self) -> str:
        return self.sku

    def clean(self) -> None:
        """Refuse a variant past MAX_VARIANTS_PER_PRODUCT, or a sale price not a sale."""
        if self.product_id is None:
            return
        price = (
            self.price_override
            if self.price_override is not None
            else self.product.base_price
        )
        if self.compare_at_price is not None and self.compare_at_price <= price:
            raise ValidationError(
                {"compare_at_price": f"Must be above the price ({price})."}
            )
        others = ProductVariant.objects.filter(product=self.product_id).exclude(
            pk=self.pk
        )
        if others.count() >= MAX_VARIANTS_PER_PRODUCT:
            msg = f"A product may have at most {MAX_VARIANTS_PER_PRODUCT} variants."
            raise ValidationError(msg)


class Stock(models.Model):
    """Units of one variant: on hand, and reserved by unpaid orders."""

    variant = models.OneToOneField(
        ProductVariant, primary_key=True, on_delete=models.CASCADE, related_name="stock"
    )
    quantity_on_hand = models.PositiveIntegerField(default=0)
    quantity_reserved = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "stock"
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity_reserved__lte=F("quantity_on_hand")),
                name="catalog_stock_available_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(quantity_on_hand__gte=0) & Q(quantity_reserved__gte=0),
                name="catalog_stock_quantities_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.variant_id}: {self.available} available"

    @property
    def available(self) -> int:
        """Units a customer can still buy."""
        return self.quantity_on_hand - self.quantity_reserved


class ProductMedia(models.Model):
    """An image of a product, for all its colours or one: ordered, with alt text.

    `original` is the upload re-encoded without its metadata (EXIF carries
    GPS); `renditions` lists the sizes made so far, by format and width, each
    a storage name under the original's content hash (apps.catalog.media).
    """

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="media")
    colour = models.CharField(
        max_length=COLOUR_MAX_LENGTH,
        blank=True,
        help_text="The variants' colour it shows, e.g. Navy; empty: every colour.",
    )
    alt = models.CharField(
        max_length=ALT_MAX_LENGTH,
        blank=True,
        help_text="What it shows, for screen readers.",
    )
    sort_order = models.PositiveSmallIntegerField(default=0)
    original = models.FileField(max_length=200, editable=False)
    content_hash = models.CharField(max_length=64, editable=False)
    width = models.PositiveIntegerField(editable=False)
    height = models.PositiveIntegerField(editable=False)
    renditions = models.JSONField(default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("product", "sort_order", "id")
        verbose_name_plural = "product media"
        indexes = [
            models.Index(
                fields=["product", "sort_order", "id"], name="catalog_media_order"
            )
        ]

    def __str__(self) -> str:
        return self.alt or f"image {self.pk}"


class Collection(models.Model):
    """A curated set of products ("Summer sale", "New in"), shown in its own order.

    Visible to shoppers while published and inside its window (either end may
    be open). Its image is stored like a product image (apps.catalog.media).
    """

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    sort_order = models.PositiveSmallIntegerField(
        default=0, help_text="Collections are listed by this, then by name."
    )
    is_published = models.BooleanField(default=False)
    published_from = models.DateTimeField(null=True, blank=True)
    published_until = models.DateTimeField(null=True, blank=True)
    seo_title = models.CharField(max_length=70, blank=True)
    seo_description = models.CharField(max_length=160, blank=True)
    image_original = models.CharField(max_length=200, blank=True, editable=False)
    image_renditions = models.JSONField(default=dict, blank=True, editable=False)
    image_alt = models.CharField(max_length=ALT_MAX_LENGTH, blank=True)
    products = models.ManyToManyField(
        Product, through="CollectionProduct", related_name="collections", blank=True
    )

    class Meta:
        ordering = ("sort_order", "name", "id")
        constraints = [
            models.CheckConstraint(
                condition=Q(published_until__isnull=True)
                | Q(published_from__isnull=True)
                | Q(published_until__gt=models.F("published_from")),
                name="catalog_collection_window_ordered",
            )
        ]
        indexes = [
            models.Index(fields=["sort_order", "id"], name="catalog_collection_order")
        ]

    def __str__(self) -> str:
        return self.name


class CollectionProduct(models.Model):
    """A product's place in a collection."""

    collection = models.ForeignKey(
        Collection, on_delete=models.CASCADE, related_name="entries"
    )
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="collection_entries"
    )
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("collection", "sort_order", "id")
        constraints = [
            models.UniqueConstraint(
                fields=["collection", "product"], name="catalog_collection_product"
            )
        ]

    def __str__(self) -> str:
        return f"{self.product_id} in {self.collection_id}"


class Attribute(models.Model):
    """A property staff define for products: material, fit, pattern, season, care.

    Its values are a fixed vocabulary (AttributeValue), so shoppers filter
    and facet on them as on sizes and colours.
    """

    class Kind(models.TextChoices):
        SINGLE = "single", "One value per product"
        MULTIPLE = "multiple", "Several values per product"

    name = models.CharField(max_length=60)
    slug = models.SlugField(max_length=60, unique=True)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.SINGLE)
    filterable = models.BooleanField(
        default=True, help_text="Offered to shoppers as a filter with counts."
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("sort_order", "name", "id")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Refuse an attribute past MAX_ATTRIBUTES."""
        if Attribute.objects.exclude(pk=self.pk).count() >= MAX_ATTRIBUTES:
            msg = f"A shop may define at most {MAX_ATTRIBUTES} attributes."
            raise ValidationError(msg)


class AttributeValue(models.Model):
    """One value an attribute may take ("Linen" for material)."""

    attribute = models.ForeignKey(
        Attribute, on_delete=models.CASCADE, related_name="values"
    )
    name = models.CharField(max_length=60)
    slug = models.SlugField(max_length=60)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("attribute", "sort_order", "name", "id")
        constraints = [
            models.UniqueConstraint(
                fields=["attribute", "slug"], name="catalog_attribute_value_slug"
            )
        ]

    def __str__(self) -> str:
        return f"{self.attribute.name}: {self.name}"

    def clean(self) -> None:
        """Refuse a value past MAX_ATTRIBUTE_VALUES for its attribute."""
        others = AttributeValue.objects.filter(attribute=self.attribute_id)
        if others.exclude(pk=self.pk).count() >= MAX_ATTRIBUTE_VALUES:
            msg = f"An attribute may have at most {MAX_ATTRIBUTE_VALUES} values."
            raise ValidationError(msg)


class ProductAttribute(models.Model):
    """A product having one attribute value (a MULTIPLE attribute may have several).

    How many a product may hold of one attribute is checked where staff set
    them, over all the rows saved together (attribute_admin.ProductAttributeFormSet).
    """

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="attribute_values"
    )
    value = models.ForeignKey(
        AttributeValue, on_delete=models.CASCADE, related_name="products"
    )

    class Meta:
        ordering = ("product", "value")
        constraints = [
            models.UniqueConstraint(
                fields=["product", "value"], name="catalog_product_attribute"
            )
        ]
        indexes = [
            models.Index(fields=["value", "product"], name="catalog_prodattr_value")
        ]

    def __str__(self) -> str:
        return f"{self.product_id} has {self.value_id}"


class SearchWord(models.Model):
    """A word of the searchable catalog text, to correct shoppers' typos against.

    Filled by the database as products are written (migration 0008); words
    no product uses any more are pruned by the `search_words_prune` job.
    `stem` is the word as the English search configuration indexes it.
    """

    word = models.CharField(max_length=40, primary_key=True)
    stem = models.CharField(max_length=40, db_index=True)

    def __str__(self) -> str:
        return self.word
