"""Shipping zones and methods, tax rates and vouchers: what staff set, pricing reads.

A zone is a set of countries; its methods are offered to addresses in those
countries. Each method has a price per currency, optionally free above a
subtotal. Tax rates are per country, with staff-set rates for categories
(reduced rates for children's clothing, say).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils import timezone

from apps.accounts.models import User
from apps.catalog.models import Category, Product
from apps.core.addresses import iso_countries
from apps.core.models import money_field
from apps.core.money import CURRENCY_CHOICES


def countries_validate(value: object) -> None:
    if not isinstance(value, list) or not value:
        raise ValidationError("A list of one or more ISO 3166-1 country codes.")
    unknown = [code for code in value if code not in iso_countries()]
    if unknown:
        raise ValidationError(
            f"Not ISO 3166-1 alpha-2 codes: {', '.join(map(str, unknown))}."
        )


class ShippingZone(models.Model):
    """Countries served alike, e.g. "United Kingdom" or "European Union"."""

    name = models.CharField(max_length=100, unique=True)
    countries = models.JSONField(
        validators=[countries_validate],
        help_text='ISO 3166-1 alpha-2 codes, e.g. ["GB"] or ["DE", "FR"].',
    )

    def __str__(self) -> str:
        return self.name


class ShippingMethod(models.Model):
    """A way to ship within a zone, with its delivery window."""

    zone = models.ForeignKey(
        ShippingZone, on_delete=models.CASCADE, related_name="methods"
    )
    name = models.CharField(max_length=100)
    min_days = models.PositiveSmallIntegerField(help_text="Fastest delivery, in days.")
    max_days = models.PositiveSmallIntegerField(help_text="Slowest delivery, in days.")
    is_active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["zone", "name"], name="pricing_method_name"
            ),
            models.CheckConstraint(
                condition=Q(min_days__lte=models.F("max_days")),
                name="pricing_method_days_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.zone})"


class ShippingRate(models.Model):
    """A method's price in one currency, free from `free_above` subtotal on."""

    method = models.ForeignKey(
        ShippingMethod, on_delete=models.CASCADE, related_name="rates"
    )
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    price = money_field(validators=[MinValueValidator(Decimal("0.00"))])
    free_above = money_field(
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.00"))],
        help_text="Subtotal (after discounts) from which shipping is free; empty: never.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["method", "currency"], name="pricing_rate_currency"
            ),
            models.CheckConstraint(
                condition=Q(price__gte=0), name="pricing_rate_price_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.method}: {self.price} {self.currency}"


class ShippingWeightBand(models.Model):
    """A method's price, in one currency, for baskets up to a weight.

    A method with bands for a currency is priced by the lightest band that
    holds the basket, and not offered for a heavier one; `free_above` of the
    currency's rate still applies.
    """

    method = models.ForeignKey(
        ShippingMethod, on_delete=models.CASCADE, related_name="weight_bands"
    )
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    up_to_grams = models.PositiveIntegerField()
    price = money_field(validators=[MinValueValidator(Decimal("0.00"))])

    class Meta:
        ordering = ("method", "currency", "up_to_grams")
        constraints = [
            models.UniqueConstraint(
                fields=["method", "currency", "up_to_grams"], name="pricing_band_weight"
            ),
            models.CheckConstraint(
                condition=Q(price__gte=0), name="pricing_band_price_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.method}: up to {self.up_to_grams} g, {self.price} {self.currency}"
        )


class TaxRate(models.Model):
    """A country's tax rate, for one category or (no category) the standard one."""

    country = models.CharField(max_length=2)
    category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Empty: the country's standard rate. A category's rate covers its subcategories.",
    )
    rate = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text="Percent, e.g. 20.00.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["country", "category"], name="pricing_tax_country_category"
            ),
            models.UniqueConstraint(
                fields=["country"],
                condition=Q(category__isnull=True),
                name="pricing_tax_country_standard",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.country} {self.rate}%" + (
            f" ({self.category})" if self.category_id else ""
        )

    def clean(self) -> None:
        if self.country not in iso_countries():
            raise ValidationError({"country": "An ISO 3166-1 alpha-2 code, e.g. GB."})


class DiscountType(models.TextChoices):
    PERCENTAGE = "PERCENTAGE", "Percentage off"
    FIXED = "FIXED", "Fixed amount off"
    FREE_SHIPPING = "FREE_SHIPPING", "Free shipping"


class Voucher(models.Model):
    """A discount code with its rules and how often it has been used.

    Empty `categories` and `products` mean the whole catalog. `used` counts
    uses and only ever grows under a row lock (apps.pricing.vouchers).
    """

    code = models.CharField(max_length=32, unique=True, help_text="Stored in capitals.")
    discount_type = models.CharField(max_length=20, choices=DiscountType.choices)
    value = money_field(
        default=Decimal("0.00"),
        help_text="Percent for PERCENTAGE, an amount in `currency` for FIXED.",
    )
    currency = models.CharField(
        max_length=3,
        choices=CURRENCY_CHOICES,
        blank=True,
        help_text="Of a FIXED value and of the minimum subtotal.",
    )
    minimum_subtotal = money_field(null=True, blank=True)
    usage_limit = models.PositiveIntegerField(null=True, blank=True)
    usage_limit_per_customer = models.PositiveIntegerField(null=True, blank=True)
    starts_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField(null=True, blank=True)
    used = models.PositiveIntegerField(default=0)
    categories = models.ManyToManyField(Category, blank=True, related_name="+")
    products = models.ManyToManyField(Product, blank=True, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(Upper("code"), name="pricing_voucher_code_ci"),
            models.CheckConstraint(
                condition=Q(usage_limit__isnull=True)
                | Q(used__lte=models.F("usage_limit")),
                name="pricing_voucher_used_within_limit",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def uses_left(self) -> int | None:
        return None if self.usage_limit is None else self.usage_limit - self.used


class VoucherUse(models.Model):
    """One use of a voucher, by an email (and the account, if signed in)."""

    voucher = models.ForeignKey(Voucher, on_delete=models.CASCADE, related_name="uses")
    email = models.EmailField()
    customer = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["voucher", "email"], name="pricing_use_voucher_email")
        ]

    def __str__(self) -> str:
        return f"{self.voucher} by {self.email}"
