"""Checkouts in the admin: to look at, for support; buyers change them."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from apps.checkout.models import Checkout, CheckoutLine


class CheckoutLineInline(admin.TabularInline[CheckoutLine, Checkout]):
    model = CheckoutLine
    extra = 0
    raw_id_fields = ("variant",)
    readonly_fields = ("variant", "quantity", "price_seen")

    def has_add_permission(
        self, request: HttpRequest, obj: Checkout | None = None
    ) -> bool:
        return False


@admin.register(Checkout)
class CheckoutAdmin(admin.ModelAdmin[Checkout]):
    list_display = ("id", "email", "customer", "voucher_code", "updated_at")
    search_fields = ("email",)
    list_filter = ("updated_at",)
    raw_id_fields = ("customer", "shipping_method")
    # The token is the guest's only key: never shown, even to staff.
    exclude = ("token",)
    readonly_fields = (
        "customer",
        "email",
        "shipping_address",
        "shipping_method",
        "voucher_code",
        "created_at",
        "updated_at",
    )
    inlines = (CheckoutLineInline,)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
