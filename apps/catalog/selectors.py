"""Catalog reads for shoppers: only published products are ever listed.

Each function is sync (usable from admin, commands and tests) with an
`a`-prefixed async twin that costs one thread hop for the whole batch.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from asgiref.sync import sync_to_async
from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q, QuerySet

from apps.catalog import models
from apps.catalog.errors import CatalogErrorCode, CatalogFilterError
from apps.catalog.filters import ORDERINGS, ProductFilter, ProductSort
from apps.catalog.rows import (
    CategoryFacet,
    CategoryRow,
    FacetValue,
    PriceBounds,
    ProductFacets,
    ProductRow,
    StockRow,
    VariantRow,
)
from apps.core.money import quantize_money
from apps.core.pagination import (
    Ordering,
    Page,
    Window,
    keyset_page,
    keyset_pages_by_parent,
)

PRODUCT_COLUMNS = (
    "id",
    "name",
    "slug",
    "description",
    "brand",
    "category_id",
    "base_price",
    "currency",
    "created_at",
    "updated_at",
)
CATEGORY_COLUMNS = ("id", "name", "slug", "parent_id")
CATEGORY_ORDERING = Ordering(field="name")


def _product_row(values: dict[str, Any]) -> ProductRow:
    return ProductRow(**{name: values[name] for name in PRODUCT_COLUMNS})


def _category_row(values: dict[str, Any]) -> CategoryRow:
    return CategoryRow(**{name: values[name] for name in CATEGORY_COLUMNS})


def category_descendant_ids(*, category_id: int) -> list[int]:
    """Return the category's id and the ids of every category below it.

    The tree is read whole (one small query): catalogs hold hundreds of
    categories, not millions, and a recursive CTE is not portable to SQLite.

    Raises:
        CatalogFilterError: CATEGORY_NOT_FOUND when the category does not exist.
    """
    children: dict[int | None, list[int]] = defaultdict(list)
    known: set[int] = set()
    for pk, parent_id in models.Category.objects.values_list("id", "parent_id"):
        children[parent_id].append(pk)
        known.add(pk)
    if category_id not in known:
        raise CatalogFilterError(
            CatalogErrorCode.CATEGORY_NOT_FOUND,
            "No category has this ID.",
            field="category",
        )
    found, todo = [], [category_id]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children[current])
    return found


def _variant_condition(
    filters: ProductFilter, *, sizes: bool = True, colours: bool = True
) -> Q:
    """Variant-level conditions, one variant meeting all of them."""
    condition = Q()
    if sizes and filters.sizes:
        condition &= Q(size__in=filters.sizes)
    if colours and filters.colours:
        condition &= Q(colour__in=filters.colours)
    if filters.in_stock:
        condition &= Q(stock__quantity_on_hand__gt=F("stock__quantity_reserved"))
    return condition


def _has_variant(condition: Q) -> Exists:
    return Exists(
        models.ProductVariant.objects.filter(condition, product_id=OuterRef("pk"))
    )


class ProductSearch:
    """Published products matching one filter: a page, a count, facets.

    Built once per request so the category subtree is read once however many
    of page, count and facets the client asks for.
    """

    def __init__(self, filters: ProductFilter) -> None:
        self.filters = filters
        self._category_ids: list[int] | None = None

    def _subtree(self) -> list[int]:
        if self._category_ids is None:
            assert self.filters.category_id is not None
            self._category_ids = category_descendant_ids(
                category_id=self.filters.category_id
            )
        return self._category_ids

    def _product_condition(self, *, category: bool = True, price: bool = True) -> Q:
        filters = self.filters
        condition = Q(is_published=True)
        if category and filters.category_id is not None:
            condition &= Q(category_id__in=self._subtree())
        if filters.search and filters.search.strip():
            text = filters.search.strip()
            condition &= (
                Q(name__icontains=text)
                | Q(brand__icontains=text)
                | Q(description__icontains=text)
            )
        if price and filters.price_min is not None:
            condition &= Q(base_price__gte=filters.price_min)
        if price and filters.price_max is not None:
            condition &= Q(base_price__lte=filters.price_max)
        return condition

    def _matching(self, condition: Q) -> QuerySet[models.Product]:
        qs = models.Product.objects.filter(condition)
        variant_condition = _variant_condition(self.filters)
        return qs.filter(_has_variant(variant_condition)) if variant_condition else qs

    def queryset(self) -> QuerySet[models.Product]:
        """Return the matching products, unordered.

        Raises:
            CatalogFilterError: CATEGORY_NOT_FOUND for an unknown category.
        """
        return self._matching(self._product_condition())

    def page(self, *, sort: ProductSort, window: Window) -> Page[ProductRow]:
        """Return one page in `sort` order, ties broken by id.

        Raises:
            CatalogFilterError: CATEGORY_NOT_FOUND for an unknown category.
            DomainError: INVALID_CURSOR for a cursor of another ordering.
        """
        page = keyset_page(
            self.queryset().values(*PRODUCT_COLUMNS), ORDERINGS[sort], window
        )
        return _product_page(page)

    def count(self) -> int:
        """Return how many products match, across all pages.

        Raises:
            CatalogFilterError: CATEGORY_NOT_FOUND for an unknown category.
        """
        return self.queryset().count()

    def facets(self) -> ProductFacets:
        """Return sizes, colours, categories and price bounds with product counts.

        Each facet ignores its own filter (a shopper who picked size M still
        sees how many products come in L) and counts distinct products.

        Raises:
            CatalogFilterError: CATEGORY_NOT_FOUND for an unknown category.
        """
        filters = self.filters
        products = models.Product.objects.filter(self._product_condition())

        def variant_facet(field: str, condition: Q) -> list[FacetValue]:
            rows = (
                models.ProductVariant.objects.filter(condition, product__in=products)
                .values(field)
                .annotate(count=Count("product_id", distinct=True))
                .order_by("-count", field)
            )
            return [FacetValue(value=row[field], count=row["count"]) for row in rows]

        category_rows = (
            self._matching(self._product_condition(category=False))
            .values("category_id", "category__name")
            .annotate(count=Count("id"))
            .order_by("-count", "category__name", "category_id")
        )
        bounds = self._matching(self._product_condition(price=False)).aggregate(
            min=Min("base_price"), max=Max("base_price"), count=Count("id")
        )
        return ProductFacets(
            sizes=variant_facet("size", _variant_condition(filters, sizes=False)),
            colours=variant_facet("colour", _variant_condition(filters, colours=False)),
            categories=[
                CategoryFacet(
                    category_id=row["category_id"],
                    name=row["category__name"],
                    count=row["count"],
                )
                for row in category_rows
            ],
            price=PriceBounds(
                min=_money_or_none(bounds["min"]),
                max=_money_or_none(bounds["max"]),
                count=bounds["count"],
            ),
        )

    async def apage(self, *, sort: ProductSort, window: Window) -> Page[ProductRow]:
        """Async twin of `page`."""
        return await sync_to_async(self.page)(sort=sort, window=window)

    async def acount(self) -> int:
        """Async twin of `count`."""
        return await sync_to_async(self.count)()

    async def afacets(self) -> ProductFacets:
        """Async twin of `facets`."""
        return await sync_to_async(self.facets)()


def _money_or_none(amount: Decimal | None) -> Decimal | None:
    return None if amount is None else quantize_money(amount)


def _product_page(page: Page[dict[str, Any]]) -> Page[ProductRow]:
    return Page(
        rows=[_product_row(row) for row in page.rows],
        positions=page.positions,
        has_next=page.has_next,
        has_previous=page.has_previous,
    )


def products_by_ids(ids: list[int]) -> dict[int, ProductRow]:
    """Return published products by id; unknown or unpublished ids are absent."""
    rows = models.Product.objects.filter(id__in=ids, is_published=True).values(
        *PRODUCT_COLUMNS
    )
    return {row["id"]: _product_row(row) for row in rows}


def product_by_slug(*, slug: str) -> ProductRow | None:
    """Return the published product with this slug, or None."""
    row = (
        models.Product.objects.filter(slug=slug, is_published=True)
        .values(*PRODUCT_COLUMNS)
        .first()
    )
    return _product_row(row) if row else None


def products_by_category_ids(
    ids: list[int], *, sort: ProductSort, window: Window
) -> dict[int, Page[ProductRow]]:
    """Return the same page of published products for each category, one query.

    Raises:
        DomainError: INVALID_CURSOR for a cursor of another ordering.
    """
    pages = keyset_pages_by_parent(
        models.Product.objects.filter(is_published=True).values(*PRODUCT_COLUMNS),
        "category_id",
        ids,
        ORDERINGS[sort],
        window,
    )
    return {pid: _product_page(page) for pid, page in pages.items()}


def categories_by_ids(ids: list[int]) -> dict[int, CategoryRow]:
    """Return categories by id; unknown ids are absent."""
    rows = models.Category.objects.filter(id__in=ids).values(*CATEGORY_COLUMNS)
    return {row["id"]: _category_row(row) for row in rows}


def category_by_slug(*, slug: str) -> CategoryRow | None:
    """Return the category with this slug, or None."""
    row = models.Category.objects.filter(slug=slug).values(*CATEGORY_COLUMNS).first()
    return _category_row(row) if row else None


def category_page(*, top_level_only: bool, window: Window) -> Page[CategoryRow]:
    """Return one page of categories by name, ties broken by id.

    Raises:
        DomainError: INVALID_CURSOR for a cursor of another ordering.
    """
    qs = models.Category.objects.all()
    if top_level_only:
        qs = qs.filter(parent__isnull=True)
    page = keyset_page(qs.values(*CATEGORY_COLUMNS), CATEGORY_ORDERING, window)
    return Page(
        rows=[_category_row(row) for row in page.rows],
        positions=page.positions,
        has_next=page.has_next,
        has_previous=page.has_previous,
    )


def category_count(*, top_level_only: bool) -> int:
    """Return how many categories `category_page` pages through."""
    qs = models.Category.objects.all()
    if top_level_only:
        qs = qs.filter(parent__isnull=True)
    return qs.count()


def children_by_parent_ids(ids: list[int]) -> dict[int, list[CategoryRow]]:
    """Return each category's direct children ordered by name, then id."""
    found: dict[int, list[CategoryRow]] = defaultdict(list)
    rows = (
        models.Category.objects.filter(parent_id__in=ids)
        .values(*CATEGORY_COLUMNS)
        .order_by("name", "id")
    )
    for row in rows:
        found[row["parent_id"]].append(_category_row(row))
    return found


def variants_by_product_ids(ids: list[int]) -> dict[int, list[VariantRow]]:
    """Return each product's variants, by id, with price and stock resolved.

    A variant's price is its override or else the product's base price; a
    variant with no stock row has nothing on hand. Rows come as tuples: this
    runs for every page of products, and dicts per row cost measurably more.
    """
    rows = (
        models.ProductVariant.objects.filter(product_id__in=ids)
        .order_by("product_id", "id")
        .values_list(
            "id",
            "product_id",
            "sku",
            "size",
            "colour",
            "price_override",
            "product__base_price",
            "product__currency",
            "stock__quantity_on_hand",
            "stock__quantity_reserved",
        )
    )
    found: dict[int, list[VariantRow]] = defaultdict(list)
    for (
        pk,
        product_id,
        sku,
        size,
        colour,
        override,
        base,
        currency,
        on_hand,
        held,
    ) in rows:
        stock = StockRow(
            variant_id=pk, quantity_on_hand=on_hand or 0, quantity_reserved=held or 0
        )
        found[product_id].append(
            VariantRow(
                id=pk,
                product_id=product_id,
                sku=sku,
                size=size,
                colour=colour,
                price_override=override,
                price=override if override is not None else base,
                currency=currency,
                available=stock.available,
                stock=stock,
            )
        )
    return found


def variants_by_ids(ids: list[int]) -> dict[int, VariantRow]:
    """Return variants of published products by id; others are absent."""
    product_ids = list(
        models.ProductVariant.objects.filter(id__in=ids, product__is_published=True)
        .values_list("product_id", flat=True)
        .distinct()
    )
    wanted = set(ids)
    return {
        variant.id: variant
        for variants in variants_by_product_ids(product_ids).values()
        for variant in variants
        if variant.id in wanted
    }


def stock_by_variant_ids(ids: list[int]) -> dict[int, StockRow]:
    """Return stock levels by variant id; a variant without a row has none."""
    rows = models.Stock.objects.filter(variant_id__in=ids).values(
        "variant_id", "quantity_on_hand", "quantity_reserved"
    )
    found = {row["variant_id"]: StockRow(**row) for row in rows}
    return {
        pk: found.get(
            pk, StockRow(variant_id=pk, quantity_on_hand=0, quantity_reserved=0)
        )
        for pk in ids
    }


aproducts_by_ids = sync_to_async(products_by_ids)
aproduct_by_slug = sync_to_async(product_by_slug)
aproducts_by_category_ids = sync_to_async(products_by_category_ids)
acategories_by_ids = sync_to_async(categories_by_ids)
acategory_by_slug = sync_to_async(category_by_slug)
acategory_page = sync_to_async(category_page)
acategory_count = sync_to_async(category_count)
achildren_by_parent_ids = sync_to_async(children_by_parent_ids)
avariants_by_product_ids = sync_to_async(variants_by_product_ids)
avariants_by_ids = sync_to_async(variants_by_ids)
astock_by_variant_ids = sync_to_async(stock_by_variant_ids)
