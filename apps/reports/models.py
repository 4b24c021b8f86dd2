"""Daily sales roll-ups: what reports read instead of orders.

One row per (shop-local day, currency) and per (day, currency, variant) and
(day, currency, category), rebuilt for a day whenever an order paid that day
changes, so a report over any range reads O(days) rows.
"""

from __future__ import annotations

from django.db import models

from apps.core.models import money_field
from apps.core.money import CURRENCY_CHOICES


class _Totals(models.Model):
    day = models.DateField(help_text="The shop-local day the orders were paid.")
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    orders = models.PositiveIntegerField()
    units = models.PositiveIntegerField()
    gross = money_field(extra_digits=2)
    refunds = money_field(extra_digits=2)

    class Meta:
        abstract = True


class DailySales(_Totals):
    """All paid orders of a day in one currency."""

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "currency"], name="reports_daily_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.currency}"


class DailyVariantSales(_Totals):
    """One variant's share of a day: `orders` counts the orders that had it."""

    variant_id = models.BigIntegerField(null=True, help_text="Null once deleted.")
    product_id = models.BigIntegerField(null=True)
    category_id = models.BigIntegerField(null=True)
    product_name = models.CharField(max_length=200)
    size = models.CharField(max_length=20)
    colour = models.CharField(max_length=40)

    class Meta:
        indexes = [
            # Covering (PostgreSQL): a year's top products read the index only.
            models.Index(
                fields=["currency", "day"],
                include=["product_id", "variant_id", "category_id", "units", "gross"],
                name="reports_variant_day",
            ),
            models.Index(fields=["product_id", "day"], name="reports_variant_product"),
            models.Index(fields=["variant_id", "day"], name="reports_variant_variant"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.currency} variant {self.variant_id}"


class DailyCategorySales(_Totals):
    """One category's share of a day: `orders` counts distinct orders in it."""

    category_id = models.BigIntegerField(null=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["day", "currency", "category_id"], name="reports_category_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.currency} category {self.category_id}"


class SnapshotStatus(models.TextChoices):
    PENDING = "PENDING", "Pending"
    READY = "READY", "Ready"
    FAILED = "FAILED", "Failed"


class SalesReportSnapshot(models.Model):
    """A report computed once, in the background, kept as it was then."""

    requested_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+"
    )
    start = models.DateField()
    end = models.DateField()
    group_by = models.CharField(max_length=5)
    currency = models.CharField(max_length=3)
    category_id = models.BigIntegerField(null=True, blank=True)
    status = models.CharField(
        max_length=7, choices=SnapshotStatus.choices, default=SnapshotStatus.PENDING
    )
    result = models.JSONField(null=True, blank=True, help_text="The report, as JSON.")
    error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"sales {self.start}..{self.end} by {self.group_by} ({self.status})"
