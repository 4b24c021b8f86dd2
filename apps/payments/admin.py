"""Payments and provider events in the admin: read-only records for staff.

States change only through provider events; staff look here for flagged
payments and for events kept as ORPHAN, INVALID or REJECTED.
"""

from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from apps.core.errors import DomainError
from apps.payments import services
from apps.payments.models import Payment, PaymentEvent, WebhookEvent


class _ReadOnly[M: Model](admin.ModelAdmin[M]):
    def get_readonly_fields(
        self, request: HttpRequest, obj: M | None = None
    ) -> list[str]:
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        return False


class PaymentEventInline(admin.TabularInline):  # type: ignore[type-arg]
    model = PaymentEvent
    extra = 0
    can_delete = False
    fields = (
        "created_at",
        "from_status",
        "to_status",
        "amount",
        "provider_transaction_id",
        "note",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class FlaggedFilter(admin.SimpleListFilter):
    title = "flagged for staff"
    parameter_name = "flagged"

    def lookups(
        self, request: HttpRequest, model_admin: object
    ) -> list[tuple[str, str]]:
        return [("yes", "Flagged"), ("no", "Not flagged")]

    def queryset(self, request: HttpRequest, queryset):  # type: ignore[no-untyped-def]
        if self.value() == "yes":
            return queryset.exclude(flagged_reason="")
        if self.value() == "no":
            return queryset.filter(flagged_reason="")
        return queryset


@admin.register(Payment)
class PaymentAdmin(_ReadOnly[Payment]):
    list_display = (
        "reference",
        "provider",
        "order",
        "status",
        "amount",
        "currency",
        "flagged_reason",
    )
    list_filter = ("status", "provider", FlaggedFilter)
    search_fields = ("reference", "order__number")
    inlines = (PaymentEventInline,)
    actions = ("refund",)

    @admin.action(
        description="Refund the selected payments in full", permissions=["change"]
    )
    def refund(self, request: HttpRequest, queryset: QuerySet[Payment]) -> None:
        for payment in queryset.order_by("pk"):
            try:
                amount = services.payment_refund_request(payment_id=payment.pk)
            except DomainError as error:
                self.message_user(
                    request, f"{payment.reference}: {error.message}", messages.WARNING
                )
            else:
                self.message_user(
                    request,
                    f"{payment.reference}: refund of {amount} {payment.currency} requested; "
                    "it is recorded when the provider confirms it.",
                    messages.SUCCESS,
                )


@admin.register(WebhookEvent)
class WebhookEventAdmin(_ReadOnly[WebhookEvent]):
    list_display = (
        "event_id",
        "provider",
        "event_type",
        "status",
        "reference",
        "received_at",
    )
    list_filter = ("status", "provider", "event_type")
    search_fields = ("event_id", "reference")
    ordering = ("-received_at",)
