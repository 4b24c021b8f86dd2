"""Staff set shipping zones, methods with their prices, and tax rates here."""

from django.contrib import admin

from apps.pricing.models import (
    ShippingMethod,
    ShippingRate,
    ShippingWeightBand,
    ShippingZone,
    TaxRate,
    Voucher,
)


class ShippingRateInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ShippingRate
    extra = 0


class ShippingWeightBandInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ShippingWeightBand
    extra = 0


class ShippingMethodInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ShippingMethod
    extra = 0
    show_change_link = True


@admin.register(ShippingZone)
class ShippingZoneAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "countries")
    inlines = (ShippingMethodInline,)


@admin.register(ShippingMethod)
class ShippingMethodAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "zone", "min_days", "max_days", "is_active")
    list_filter = ("zone", "is_active")
    inlines = (ShippingRateInline, ShippingWeightBandInline)


@admin.register(TaxRate)
class TaxRateAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("country", "category", "rate")
    list_filter = ("country",)
    autocomplete_fields = ("category",)


@admin.register(Voucher)
class VoucherAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = (
        "code",
        "discount_type",
        "value",
        "currency",
        "used",
        "usage_limit",
        "ends_at",
    )
    list_filter = ("discount_type",)
    search_fields = ("code",)
    readonly_fields = ("used",)
    filter_horizontal = ("categories",)
    raw_id_fields = ("products",)
