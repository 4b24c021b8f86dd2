"""Admin for attributes: staff define them and their values, and set them on products.

Imported by apps/catalog/admin.py, which adds the inline to the product page.
"""

from __future__ import annotations

from collections import Counter

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from apps.catalog import models


class AttributeValueInline(
    admin.TabularInline[models.AttributeValue, models.Attribute]
):
    model = models.AttributeValue
    extra = 0
    max_num = models.MAX_ATTRIBUTE_VALUES
    fields = ("name", "slug", "sort_order")
    prepopulated_fields = {"slug": ("name",)}  # noqa: RUF012


@admin.register(models.Attribute)
class AttributeAdmin(admin.ModelAdmin[models.Attribute]):
    list_display = ("name", "slug", "kind", "filterable", "sort_order")
    list_editable = ("filterable", "sort_order")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}  # noqa: RUF012
    inlines = (AttributeValueInline,)


@admin.register(models.AttributeValue)
class AttributeValueAdmin(admin.ModelAdmin[models.AttributeValue]):
    """Only for the product page's value search (autocomplete)."""

    search_fields = ("name", "attribute__name")
    list_display = ("name", "attribute")
    list_select_related = ("attribute",)

    def has_module_permission(self, request: object) -> bool:
        return False  # values are edited on their attribute's page


class ProductAttributeFormSet(forms.BaseInlineFormSet):  # type: ignore[type-arg]
    """Hold the kind's limit across the rows saved together, not one by one."""

    def clean(self) -> None:
        super().clean()
        held: Counter[models.Attribute] = Counter()
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            value = form.cleaned_data.get("value")
            if value is not None:
                held[value.attribute] += 1
        for attribute, count in held.items():
            limit = (
                1
                if attribute.kind == models.Attribute.Kind.SINGLE
                else models.MAX_VALUES_PER_PRODUCT
            )
            if count > limit:
                msg = f"A product may have at most {limit} {attribute.name} value(s)."
                raise ValidationError(msg)


class ProductAttributeInline(
    admin.TabularInline[models.ProductAttribute, models.Product]
):
    model = models.ProductAttribute
    formset = ProductAttributeFormSet
    extra = 0
    autocomplete_fields = ("value",)
    fields = ("value",)
    verbose_name = "attribute value"
