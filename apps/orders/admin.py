"""Orders in the admin: read-only records, changed only through the services.

Editing an order's status or lines by hand would bypass the stock and the
audit trail, so the only changes offered are actions that call the same
services as the API: cancel, and fulfil (which asks for each order's
carrier and tracking number on an intermediate page).
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse

from apps.core.errors import DomainError
from apps.orders import services
from apps.orders.models import Order, OrderLine, OrderStatusChange


class ShipmentForm(forms.Form):
    """One order's shipment; the service checks the values (typed errors)."""

    carrier = forms.CharField(max_length=100, label="Carrier")
    tracking_number = forms.CharField(max_length=100, label="Tracking number")


class _ReadOnlyInline(admin.TabularInline):  # type: ignore[type-arg]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class OrderLineInline(_ReadOnlyInline):
    model = OrderLine
    fields = (
        "product_name",
        "variant_sku",
        "size",
        "colour",
        "quantity",
        "unit_price",
        "line_total",
    )


class OrderStatusChangeInline(_ReadOnlyInline):
    model = OrderStatusChange
    fields = ("created_at", "from_status", "to_status", "actor", "reason")
    ordering = ("created_at", "id")


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin[Order]):
    list_display = (
        "number",
        "customer",
        "status",
        "total",
        "currency",
        "created_at",
        "expires_at",
    )
    list_filter = ("status", "currency")
    search_fields = ("number", "customer__email", "email")
    list_select_related = ("customer",)
    # A guest's checkout token reads their order: not shown, even to staff.
    exclude = ("checkout_token",)
    ordering = ("-created_at",)
    date_hierarchy = "created_at"
    inlines = (OrderLineInline, OrderStatusChangeInline)
    actions = ("cancel", "fulfil")

    def get_readonly_fields(
        self, request: HttpRequest, obj: Order | None = None
    ) -> list[str]:
        return [
            field.name for field in Order._meta.fields if field.name != "checkout_token"
        ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: Order | None = None
    ) -> bool:
        return False

    @admin.action(
        description="Cancel the selected unpaid orders", permissions=["change"]
    )
    def cancel(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        assert request.user.pk is not None
        cancelled, refused = 0, []
        for order in queryset.order_by("pk"):
            try:
                services.order_cancel(order_id=order.pk, actor_id=request.user.pk)
            except DomainError as error:
                refused.append(f"{order.number}: {error.message}")
            else:
                cancelled += 1
        if cancelled:
            self.message_user(
                request, f"{cancelled} order(s) cancelled.", messages.SUCCESS
            )
        for problem in refused:
            self.message_user(request, problem, messages.WARNING)

    @admin.action(
        description="Mark the selected paid orders as shipped", permissions=["change"]
    )
    def fulfil(
        self, request: HttpRequest, queryset: QuerySet[Order]
    ) -> TemplateResponse | None:
        orders = list(queryset.order_by("pk"))
        rows = [
            (
                order,
                ShipmentForm(
                    request.POST if "apply" in request.POST else None,
                    prefix=f"order-{order.pk}",
                ),
            )
            for order in orders
        ]
        if "apply" not in request.POST or not all(form.is_valid() for _, form in rows):
            return TemplateResponse(
                request,
                "admin/orders/order/fulfil.html",
                {
                    **self.admin_site.each_context(request),
                    "title": "Mark orders as shipped",
                    "opts": self.model._meta,
                    "rows": rows,
                },
            )
        assert request.user.pk is not None
        shipped, refused = 0, []
        for order, form in rows:
            try:
                services.order_fulfil(
                    order_id=order.pk,
                    tracking_number=form.cleaned_data["tracking_number"],
                    carrier=form.cleaned_data["carrier"],
                    actor_id=request.user.pk,
                )
            except DomainError as error:
                refused.append(f"{order.number}: {_messages(error)}")
            else:
                shipped += 1
        if shipped:
            self.message_user(
                request, f"{shipped} order(s) marked as shipped.", messages.SUCCESS
            )
        for problem in refused:
            self.message_user(request, problem, messages.WARNING)
        return None


def _messages(error: DomainError) -> str:
    details = getattr(error, "details", None) or [error]
    return " ".join(detail.message for detail in details)
