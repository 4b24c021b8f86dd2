from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import F, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from apps.catalog import media, models, selectors
from apps.catalog.attribute_admin import ProductAttributeInline
from apps.catalog.errors import CatalogFilterError, MediaError

# "Low stock" in the admin: a customer can still buy, but only this many.
LOW_STOCK_MAX = 5
PATH_SEPARATOR = " > "


def _category_paths() -> dict[int, str]:
    # Every category's full path, from one query over the (small) tree.
    rows = {
        pk: (name, parent_id)
        for pk, name, parent_id in models.Category.objects.values_list(
            "id", "name", "parent_id"
        )
    }
    paths: dict[int, str] = {}

    def path(pk: int) -> str:
        if pk not in paths:
            name, parent_id = rows[pk]
            paths[pk] = (
                f"{path(parent_id)}{PATH_SEPARATOR}{name}" if parent_id else name
            )
        return paths[pk]

    for pk in rows:
        path(pk)
    return paths


def _category_path(category: models.Category) -> str:
    # Names repeat (Sneakers under Women and Men), so lists show the path. It
    # follows only ancestors already loaded by select_related: one query per
    # row for deeper trees would be worse than an ellipsis.
    names = [category.name]
    while category.parent_id is not None and models.Category.parent.is_cached(category):
        parent = category.parent
        assert parent is not None
        category = parent
        names.append(category.name)
    if category.parent_id is not None:
        names.append("…")
    return PATH_SEPARATOR.join(reversed(names))


# Products in a category or anywhere below it, labelled by full path.
class CategoryTreeFilter(admin.SimpleListFilter):
    title = "category"
    parameter_name = "category"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, str]]:
        paths = sorted(_category_paths().items(), key=lambda item: item[1])
        return [(str(pk), path) for pk, path in paths]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[Any]
    ) -> QuerySet[Any] | None:
        value = self.value()
        if value is None:
            return None
        try:
            ids = selectors.category_descendant_ids(category_id=int(value))
        except (ValueError, CatalogFilterError) as error:
            raise IncorrectLookupParameters(error) from error
        return queryset.filter(category_id__in=ids)


class AvailabilityFilter(admin.SimpleListFilter):
    title = "availability"
    parameter_name = "availability"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, str]]:
        return [
            ("sold_out", "Sold out"),
            ("low", f"Low stock (1 to {LOW_STOCK_MAX} left)"),
            ("in_stock", f"In stock (more than {LOW_STOCK_MAX})"),
        ]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[Any]
    ) -> QuerySet[Any] | None:
        available = F("quantity_on_hand") - F("quantity_reserved")
        queryset = queryset.alias(available_units=available)
        match self.value():
            case "sold_out":
                return queryset.filter(available_units__lte=0)
            case "low":
                return queryset.filter(available_units__range=(1, LOW_STOCK_MAX))
            case "in_stock":
                return queryset.filter(available_units__gt=LOW_STOCK_MAX)
        return None


def _stock_of(variant: models.ProductVariant | None) -> models.Stock | None:
    if variant is None or variant.pk is None:
        return None
    try:
        return variant.stock
    except ObjectDoesNotExist:
        return None


@admin.register(models.Category)
class CategoryAdmin(admin.ModelAdmin[models.Category]):
    list_display = ("name", "path", "slug")
    list_select_related = ("parent__parent",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}  # noqa: RUF012
    autocomplete_fields = ("parent",)

    @admin.display(description="Path")
    def path(self, obj: models.Category) -> str:
        return _category_path(obj)


# A variant row that also edits its stock's on-hand count.
class VariantInlineForm(forms.ModelForm[models.ProductVariant]):
    quantity_on_hand = forms.IntegerField(min_value=0, initial=0, label="On hand")

    class Meta:
        model = models.ProductVariant
        fields = ("sku", "size", "colour", "price_override", "compare_at_price")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stock = _stock_of(self.instance)
        if stock is not None:
            self.fields["quantity_on_hand"].initial = stock.quantity_on_hand

    def clean_quantity_on_hand(self) -> int:
        on_hand: int = self.cleaned_data["quantity_on_hand"]
        stock = _stock_of(self.instance)
        if stock is not None and on_hand < stock.quantity_reserved:
            msg = (
                f"{stock.quantity_reserved} units are reserved by orders; "
                "on hand cannot be lower."
            )
            raise forms.ValidationError(msg)
        return on_hand

    def save(self, commit: bool = True) -> models.ProductVariant:
        variant = super().save(commit=commit)
        if commit:
            self._stock_save(variant)
        else:
            save_m2m = self.save_m2m

            def save_related() -> None:
                save_m2m()
                self._stock_save(variant)

            # The same deferral ModelForm.save(commit=False) itself does.
            self.save_m2m = save_related  # type: ignore[method-assign]
        return variant

    def _stock_save(self, variant: models.ProductVariant) -> None:
        # Only on-hand is written: reserved belongs to order placement, and
        # writing it back from a form could undo a reservation made meanwhile.
        models.Stock.objects.update_or_create(
            variant=variant,
            defaults={"quantity_on_hand": self.cleaned_data["quantity_on_hand"]},
        )


class VariantInline(admin.TabularInline[models.ProductVariant, models.Product]):
    model = models.ProductVariant
    form = VariantInlineForm
    fields = (
        "sku",
        "size",
        "colour",
        "price_override",
        "compare_at_price",
        "quantity_on_hand",
        "reserved",
        "available",
    )
    readonly_fields = ("reserved", "available")
    extra = 0
    max_num = models.MAX_VARIANTS_PER_PRODUCT
    show_change_link = True

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        # max_num alone only hides the "add" link; this makes it a rule.
        return super().get_formset(request, obj, validate_max=True, **kwargs)

    def get_queryset(self, request: HttpRequest) -> QuerySet[models.ProductVariant]:
        return super().get_queryset(request).select_related("stock")

    @admin.display(description="Reserved")
    def reserved(self, obj: models.ProductVariant) -> int | str:
        stock = _stock_of(obj)
        return "-" if stock is None else stock.quantity_reserved

    @admin.display(description="Available")
    def available(self, obj: models.ProductVariant) -> int | str:
        stock = _stock_of(obj)
        return "-" if stock is None else stock.available


class MediaInlineForm(forms.ModelForm[models.ProductMedia]):
    """Upload through the same checks as the staff mutation (apps.catalog.media)."""

    image = forms.FileField(
        required=False,
        help_text="JPEG, PNG or WebP; EXIF is removed. Sizes are made in the background.",
    )

    class Meta:
        model = models.ProductMedia
        fields = ("image", "alt", "colour", "sort_order")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload = cleaned.get("image")
        if upload is None:
            if self.instance.pk is None and self.has_changed():
                self.add_error("image", "Choose an image to upload.")
            return cleaned
        try:
            stored = media.image_store(upload.read())
        except MediaError as error:
            self.add_error("image", error.message)
            return cleaned
        self.instance.original = stored.name
        self.instance.content_hash = stored.content_hash
        self.instance.width, self.instance.height = stored.width, stored.height
        self.instance.renditions = {}
        return cleaned


class MediaInline(admin.TabularInline[models.ProductMedia, models.Product]):
    model = models.ProductMedia
    form = MediaInlineForm
    extra = 0
    fields = ("preview", "image", "alt", "colour", "sort_order")
    readonly_fields = ("preview",)
    ordering = ("sort_order", "id")

    @admin.display(description="Image")
    def preview(self, obj: models.ProductMedia) -> str:
        if not obj.pk:
            return "-"
        return format_html(
            '<img src="{}" alt="{}" width="80">',
            media.media_url(obj, width=160),
            obj.alt,
        )


@admin.register(models.Product)
class ProductAdmin(admin.ModelAdmin[models.Product]):
    list_display = (
        "name",
        "brand",
        "category_path",
        "base_price",
        "currency",
        "is_published",
        "created_at",
    )
    list_select_related = ("category__parent__parent",)
    list_filter = ("is_published", CategoryTreeFilter, "brand")
    search_fields = ("name", "slug", "brand")
    prepopulated_fields = {"slug": ("name",)}  # noqa: RUF012
    autocomplete_fields = ("category",)
    readonly_fields = ("created_at", "updated_at")
    inlines = (VariantInline, MediaInline, ProductAttributeInline)
    list_per_page = 50

    def save_formset(
        self, request: HttpRequest, form: Any, formset: Any, change: bool
    ) -> None:
        super().save_formset(request, form, formset, change)
        if formset.model is models.ProductMedia:
            for image in formset.new_objects + [
                obj for obj, _ in formset.changed_objects
            ]:
                if not image.renditions:  # a new upload: make its sizes
                    media.renditions_enqueue(image.pk)

    @admin.display(description="Category", ordering="category__name")
    def category_path(self, obj: models.Product) -> str:
        return _category_path(obj.category)


@admin.register(models.ProductVariant)
class ProductVariantAdmin(admin.ModelAdmin[models.ProductVariant]):
    list_display = ("sku", "product", "size", "colour", "price_override", "available")
    list_select_related = ("product", "stock")
    search_fields = ("sku",)
    autocomplete_fields = ("product",)
    readonly_fields = ("stock_summary",)

    @admin.display(description="Stock")
    def stock_summary(self, obj: models.ProductVariant) -> str:
        stock = _stock_of(obj)
        if stock is None:
            return "No stock row yet."
        url = reverse("admin:catalog_stock_change", args=[stock.pk])
        return format_html(
            '{} on hand, {} reserved, {} available (<a href="{}">edit</a>)',
            stock.quantity_on_hand,
            stock.quantity_reserved,
            stock.available,
            url,
        )

    @admin.display(description="Available", ordering="stock__quantity_on_hand")
    def available(self, obj: models.ProductVariant) -> int | str:
        stock = _stock_of(obj)
        return "-" if stock is None else stock.available


class StockForm(forms.ModelForm[models.Stock]):
    class Meta:
        model = models.Stock
        fields = ("variant", "quantity_on_hand")

    def clean_quantity_on_hand(self) -> int:
        on_hand: int = self.cleaned_data["quantity_on_hand"]
        if on_hand < self.instance.quantity_reserved:
            msg = (
                f"{self.instance.quantity_reserved} units are reserved by orders; "
                "on hand cannot be lower."
            )
            raise forms.ValidationError(msg)
        return on_hand


@admin.register(models.Stock)
class StockAdmin(admin.ModelAdmin[models.Stock]):
    form = StockForm
    list_display = (
        "variant",
        "product",
        "quantity_on_hand",
        "quantity_reserved",
        "available",
    )
    list_select_related = ("variant__product",)
    list_filter = (AvailabilityFilter,)
    search_fields = ("variant__sku", "variant__product__name")
    autocomplete_fields = ("variant",)
    readonly_fields = ("quantity_reserved", "available")
    ordering = ("variant_id",)

    def get_readonly_fields(
        self, request: HttpRequest, obj: models.Stock | None = None
    ) -> tuple[str, ...]:
        # The variant is the primary key: changing it would move the row.
        readonly = tuple(super().get_readonly_fields(request, obj))
        return (*readonly, "variant") if obj is not None else readonly

    def save_model(
        self, request: HttpRequest, obj: models.Stock, form: Any, change: bool
    ) -> None:
        # Write on-hand only: saving the whole row would put back the reserved
        # count read when the form was submitted, undoing any reservation an
        # order made in between.
        if change:
            obj.save(update_fields=["quantity_on_hand"])
        else:
            obj.save()

    @admin.display(description="Product", ordering="variant__product__name")
    def product(self, obj: models.Stock) -> str:
        return obj.variant.product.name

    @admin.display(
        description="Available",
        ordering=F("quantity_on_hand") - F("quantity_reserved"),
    )
    def available(self, obj: models.Stock) -> int:
        return obj.available


class CollectionForm(forms.ModelForm[models.Collection]):
    """A banner upload through the product images' checks; its sizes made at once."""

    image = forms.FileField(
        required=False, help_text="JPEG, PNG or WebP; replaces the current banner."
    )

    class Meta:
        model = models.Collection
        fields = (
            "name",
            "slug",
            "description",
            "sort_order",
            "is_published",
            "published_from",
            "published_until",
            "seo_title",
            "seo_description",
            "image",
            "image_alt",
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload = cleaned.get("image")
        if upload is None:
            return cleaned
        try:
            stored = media.image_store(upload.read())
        except MediaError as error:
            self.add_error("image", error.message)
            return cleaned
        # A banner is one image: its few sizes are made here, not queued.
        self.instance.image_original = stored.name
        self.instance.image_renditions = media.renditions_store(stored)[0]
        return cleaned


class CollectionProductInline(
    admin.TabularInline[models.CollectionProduct, models.Collection]
):
    model = models.CollectionProduct
    extra = 0
    autocomplete_fields = ("product",)
    fields = ("product", "sort_order")
    ordering = ("sort_order", "id")


@admin.register(models.Collection)
class CollectionAdmin(admin.ModelAdmin[models.Collection]):
    form = CollectionForm
    list_display = (
        "name",
        "sort_order",
        "is_published",
        "published_from",
        "published_until",
    )
    list_editable = ("sort_order", "is_published")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}  # noqa: RUF012
    inlines = (CollectionProductInline,)
