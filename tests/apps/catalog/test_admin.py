from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from apps.accounts.models import User
from apps.catalog import models
from tests.factories.catalog import (
    AttributeFactory,
    AttributeValueFactory,
    CategoryFactory,
    ProductFactory,
    stocked_variant,
)

pytestmark = pytest.mark.django_db

MODEL_NAMES = (
    "category",
    "product",
    "productvariant",
    "stock",
    "collection",
    "attribute",
)


@pytest.fixture
def staff_client() -> Client:
    user = User.objects.create_superuser(
        email="staff@example.com", password="correct-horse-battery"
    )
    client = Client()
    client.force_login(user)
    return client


def nested_category() -> models.Category:
    women = CategoryFactory.create(name="Women")
    dresses = CategoryFactory.create(name="Dresses", parent=women)
    return CategoryFactory.create(name="Maxi dresses", parent=dresses)


def products_with_stock(count: int) -> list[models.Product]:
    products = []
    for _ in range(count):
        product = ProductFactory.create(category=nested_category())
        stocked_variant(product=product, on_hand=10, reserved=2)
        # One collection per product, so the collections' list grows too.
        collection = models.Collection.objects.create(
            name=f"Edit {product.pk}", slug=f"edit-{product.pk}"
        )
        models.CollectionProduct.objects.create(collection=collection, product=product)
        # And one attribute with a value per product.
        value = AttributeValueFactory.create()
        models.ProductAttribute.objects.create(product=product, value=value)
        products.append(product)
    return products


def variant_form_data(
    product: models.Product, variants: list[dict[str, Any]]
) -> dict[str, Any]:
    """POST data for the product change page with the given variant rows."""
    data: dict[str, Any] = {
        "name": product.name,
        "slug": product.slug,
        "description": product.description,
        "brand": product.brand,
        "category": product.category_id,
        "base_price": product.base_price,
        "currency": product.currency,
        "is_published": "on",
        "variants-TOTAL_FORMS": len(variants),
        "variants-INITIAL_FORMS": sum(1 for row in variants if row.get("id")),
        "variants-MIN_NUM_FORMS": 0,
        "variants-MAX_NUM_FORMS": 1000,
        # The images inline, left empty.
        "media-TOTAL_FORMS": 0,
        "media-INITIAL_FORMS": 0,
        "media-MIN_NUM_FORMS": 0,
        "media-MAX_NUM_FORMS": 1000,
        # The attributes inline, left empty.
        "attribute_values-TOTAL_FORMS": 0,
        "attribute_values-INITIAL_FORMS": 0,
        "attribute_values-MIN_NUM_FORMS": 0,
        "attribute_values-MAX_NUM_FORMS": 1000,
        "_save": "Save",
    }
    for n, row in enumerate(variants):
        data |= {
            f"variants-{n}-{name}": "" if value is None else value
            for name, value in row.items()
        }
        data[f"variants-{n}-product"] = product.pk
    return data


def variant_row(variant: models.ProductVariant, **changes: Any) -> dict[str, Any]:
    return {
        "id": variant.pk,
        "sku": variant.sku,
        "size": variant.size,
        "colour": variant.colour,
        "price_override": variant.price_override,
        "quantity_on_hand": variant.stock.quantity_on_hand,
        **changes,
    }


def listed_pks(response: Any) -> set[Any]:
    return {row.pk for row in response.context["cl"].result_list}


@pytest.mark.parametrize("model_name", MODEL_NAMES)
def test_staff_can_open_each_changelist(staff_client, model_name):
    products_with_stock(2)

    response = staff_client.get(reverse(f"admin:catalog_{model_name}_changelist"))

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) > 0


@pytest.mark.parametrize("model_name", MODEL_NAMES)
def test_staff_can_open_each_change_page(staff_client, model_name):
    (product,) = products_with_stock(1)
    variant = product.variants.get()
    collection = models.Collection.objects.get(products=product)
    pks = {
        "category": product.category_id,
        "product": product.pk,
        "productvariant": variant.pk,
        "stock": variant.pk,
        "collection": collection.pk,
        "attribute": product.attribute_values.get().value.attribute_id,
    }

    response = staff_client.get(
        reverse(f"admin:catalog_{model_name}_change", args=[pks[model_name]])
    )

    assert response.status_code == 200


@pytest.mark.parametrize("model_name", MODEL_NAMES)
def test_staff_can_open_each_add_page(staff_client, model_name):
    response = staff_client.get(reverse(f"admin:catalog_{model_name}_add"))

    assert response.status_code == 200


@pytest.mark.parametrize("model_name", MODEL_NAMES)
def test_changelist_query_count_does_not_grow_with_rows(staff_client, model_name):
    url = reverse(f"admin:catalog_{model_name}_changelist")
    products_with_stock(5)
    with CaptureQueriesContext(connection) as few:
        assert staff_client.get(url).status_code == 200
    products_with_stock(25)

    with CaptureQueriesContext(connection) as many:
        response = staff_client.get(url)

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) >= 30
    assert len(many) == len(few), "\n".join(q["sql"] for q in many.captured_queries)


@pytest.mark.parametrize("model_name", MODEL_NAMES)
def test_non_staff_user_is_redirected_to_login(client, model_name):
    shopper = User.objects.create_user(
        email="shopper@example.com", password="correct-horse-battery"
    )
    client.force_login(shopper)
    url = reverse(f"admin:catalog_{model_name}_changelist")

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('admin:login')}?next={url}"


def test_anonymous_user_is_redirected_to_login(client):
    url = reverse("admin:catalog_product_changelist")

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('admin:login')}?next={url}"


@pytest.mark.parametrize(
    ("availability", "expected"),
    [
        pytest.param("sold_out", {"none-left", "all-reserved"}, id="sold_out_case"),
        pytest.param("low", {"last-units"}, id="low_case"),
        pytest.param("in_stock", {"plenty"}, id="in_stock_case"),
    ],
)
def test_stock_availability_filter(staff_client, availability, expected):
    stocked_variant(sku="none-left", on_hand=0)
    stocked_variant(sku="all-reserved", on_hand=3, reserved=3)
    stocked_variant(sku="last-units", on_hand=7, reserved=2)
    stocked_variant(sku="plenty", on_hand=20, reserved=2)

    response = staff_client.get(
        reverse("admin:catalog_stock_changelist"), {"availability": availability}
    )

    assert response.status_code == 200
    assert {stock.variant.sku for stock in response.context["cl"].result_list} == (
        expected
    )


def test_product_category_filter_includes_subcategories(staff_client):
    women = CategoryFactory.create(name="Women")
    dresses = CategoryFactory.create(name="Dresses", parent=women)
    inside = ProductFactory.create(category=dresses)
    ProductFactory.create(category=nested_category())

    response = staff_client.get(
        reverse("admin:catalog_product_changelist"), {"category": women.pk}
    )

    assert response.status_code == 200
    assert listed_pks(response) == {inside.pk}


def test_product_category_filter_rejects_an_unknown_category(staff_client):
    ProductFactory.create()

    response = staff_client.get(
        reverse("admin:catalog_product_changelist"), {"category": "999999"}
    )

    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


def test_product_changelist_shows_the_category_path(staff_client):
    products_with_stock(1)

    response = staff_client.get(reverse("admin:catalog_product_changelist"))

    assert "Women &gt; Dresses &gt; Maxi dresses" in response.content.decode()


def test_inline_edit_changes_on_hand_and_keeps_reserved(staff_client):
    (product,) = products_with_stock(1)
    variant = product.variants.select_related("stock").get()
    data = variant_form_data(product, [variant_row(variant, quantity_on_hand=25)])

    response = staff_client.post(
        reverse("admin:catalog_product_change", args=[product.pk]), data
    )

    assert response.status_code == 302
    stock = models.Stock.objects.get(variant=variant)
    assert (stock.quantity_on_hand, stock.quantity_reserved) == (25, 2)


def test_inline_edit_rejects_on_hand_below_reserved(staff_client):
    (product,) = products_with_stock(1)
    variant = product.variants.select_related("stock").get()
    data = variant_form_data(product, [variant_row(variant, quantity_on_hand=1)])

    response = staff_client.post(
        reverse("admin:catalog_product_change", args=[product.pk]), data
    )

    assert response.status_code == 200
    (errors,) = response.context["inline_admin_formsets"][0].formset.errors
    assert errors == {
        "quantity_on_hand": ["2 units are reserved by orders; on hand cannot be lower."]
    }
    assert models.Stock.objects.get(variant=variant).quantity_on_hand == 10


def test_inline_add_creates_the_variant_with_stock(staff_client):
    (product,) = products_with_stock(1)
    existing = product.variants.select_related("stock").get()
    new_row = {
        "id": None,
        "sku": "NEW-SKU-1",
        "size": "XL",
        "colour": "Navy",
        "price_override": None,
        "quantity_on_hand": 4,
    }
    data = variant_form_data(product, [variant_row(existing), new_row])

    response = staff_client.post(
        reverse("admin:catalog_product_change", args=[product.pk]), data
    )

    assert response.status_code == 302
    stock = models.Stock.objects.get(variant__sku="NEW-SKU-1")
    assert (stock.quantity_on_hand, stock.quantity_reserved) == (4, 0)
    assert stock.variant.product_id == product.pk


def test_stock_admin_edit_changes_on_hand_only(staff_client):
    variant = stocked_variant(on_hand=10, reserved=2)

    response = staff_client.post(
        reverse("admin:catalog_stock_change", args=[variant.pk]),
        {"quantity_on_hand": 30, "_save": "Save"},
    )

    assert response.status_code == 302
    stock = models.Stock.objects.get(variant=variant)
    assert (stock.quantity_on_hand, stock.quantity_reserved) == (30, 2)


def _product_form(staff_client: Client, product: models.Product) -> dict[str, Any]:
    """The product change form's current values, with empty inline formsets."""
    url = reverse("admin:catalog_product_change", args=[product.pk])
    page = staff_client.get(url)
    form = page.context["adminform"].form
    data: dict[str, Any] = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name in form.fields
    }
    for formset in page.context["inline_admin_formsets"]:
        prefix = formset.formset.prefix
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    return data


def _png_upload(name: str, width: int = 400) -> Any:
    out = io.BytesIO()
    Image.new("RGB", (width, width), (9, 99, 199)).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def test_staff_upload_a_product_image_in_the_admin(staff_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    product = ProductFactory.create()
    data = _product_form(staff_client, product)
    data.update(
        {
            "media-TOTAL_FORMS": "1",
            "media-0-image": _png_upload("front.png"),
            "media-0-alt": "Front view",
            "media-0-colour": "Navy",
            "media-0-sort_order": "0",
        }
    )

    response = staff_client.post(
        reverse("admin:catalog_product_change", args=[product.pk]), data
    )

    assert response.status_code == 302
    image = models.ProductMedia.objects.get(product=product)
    assert (image.alt, image.colour, image.width) == ("Front view", "Navy", 400)


def test_a_text_file_uploaded_in_the_admin_is_refused_with_a_message(
    staff_client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    product = ProductFactory.create()
    data = _product_form(staff_client, product)
    data.update(
        {
            "media-TOTAL_FORMS": "1",
            "media-0-image": SimpleUploadedFile("photo.jpg", b"just text" * 20),
            "media-0-alt": "",
            "media-0-colour": "",
            "media-0-sort_order": "0",
        }
    )

    response = staff_client.post(
        reverse("admin:catalog_product_change", args=[product.pk]), data
    )

    assert response.status_code == 200
    assert "not an image" in response.content.decode()
    assert not models.ProductMedia.objects.exists()


def _attribute_rows(*values: models.AttributeValue) -> dict[str, Any]:
    rows: dict[str, Any] = {"attribute_values-TOTAL_FORMS": str(len(values))}
    for n, value in enumerate(values):
        rows[f"attribute_values-{n}-value"] = str(value.pk)
    return rows


def test_staff_set_several_values_of_a_multiple_attribute(staff_client):
    material = AttributeFactory.create(kind=models.Attribute.Kind.MULTIPLE)
    linen, silk = AttributeValueFactory.create_batch(2, attribute=material)
    product = ProductFactory.create()
    data = _product_form(staff_client, product) | _attribute_rows(linen, silk)

    response = staff_client.post(
        reverse("admin:catalog_product_change", args=[product.pk]), data
    )

    assert response.status_code == 302
    assert set(product.attribute_values.values_list("value", flat=True)) == {
        linen.pk,
        silk.pk,
    }


def test_two_values_of_a_single_attribute_are_refused_with_a_message(staff_client):
    fit = AttributeFactory.create(name="Fit", kind=models.Attribute.Kind.SINGLE)
    slim, relaxed = AttributeValueFactory.create_batch(2, attribute=fit)
    product = ProductFactory.create()
    data = _product_form(staff_client, product) | _attribute_rows(slim, relaxed)

    response = staff_client.post(
        reverse("admin:catalog_product_change", args=[product.pk]), data
    )

    assert response.status_code == 200
    assert "A product may have at most 1 Fit value(s)." in response.text
    assert not product.attribute_values.exists()


def test_an_attribute_past_the_shops_limit_is_refused():
    AttributeFactory.create_batch(models.MAX_ATTRIBUTES)

    with pytest.raises(ValidationError, match="at most 12 attributes"):
        AttributeFactory.build().clean()
