"""Catalog reads for shoppers: only published products are ever listed.

Each function is sync (usable from admin, commands and tests) with an
`a`-prefixed async twin that costs one thread hop for the whole batch.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from asgiref.sync import sync_to_async
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)

from apps.catalog import attributes, json_documents, models, search
from apps.catalog.errors import CatalogErrorCode, CatalogFilterError
from apps.catalog.filters import ORDERINGS, ProductFilter, ProductSort
from apps.catalog.rows import (
    AttributeFacet,
    CategoryFacet,
    CategoryRow,
    FacetValue,
    MediaRow,
    PriceBounds,
    ProductFacets,
    ProductRow,
    StockRow,
    VariantRow,
)
from apps.core import cache_tags
from apps.core.money import quantize_money
from apps.core.pagination import (
    Ordering,
    Page,
    PageStatement,
    Window,
    keyset_page,
    keyset_pages_by_parent,
    keyset_statement,
    run_statement,
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


# Between a category path's names, as storefronts show breadcrumbs.
PATH_SEPARATOR = " \u203a "  # a single right-pointing angle quote


class CategoryTree:
    """The whole category tree, read in one small query.

    Catalogs hold hundreds of categories, not millions, and a recursive CTE
    is not portable to SQLite, so subtrees and labels are worked out here.
    """

    def __init__(self) -> None:
        self.names: dict[int, str] = {}
        self.parents: dict[int, int | None] = {}
        self.children: dict[int | None, list[int]] = defaultdict(list)
        rows = models.Category.objects.order_by().values_list("id", "name", "parent_id")
        for pk, name, parent_id in rows:
            self.names[pk] = name
            self.parents[pk] = parent_id
            self.children[parent_id].append(pk)

    def subtree(self, category_id: int) -> list[int]:
        """Return the category's id and every id below it; [] if unknown."""
        if category_id not in self.names:
            return []
        found, todo = [], [category_id]
        while todo:
            current = todo.pop()
            found.append(current)
            todo.extend(self.children[current])
        return found

    def ancestry(self, category_id: int) -> list[int]:
        """Return the ids from the top of the tree down to the category."""
        path: list[int] = []
        current: int | None = category_id
        while current is not None and current not in path:
            path.append(current)
            current = self.parents.get(current)
        return path[::-1]

    def path(self, category_id: int) -> tuple[str, ...]:
        """Return the names from the top down: ("Women", "Shoes", "Sneakers")."""
        return tuple(self.names[pk] for pk in self.ancestry(category_id))

    def label(self, category_id: int) -> str:
        """Return the path for display, names joined by PATH_SEPARATOR."""
        return PATH_SEPARATOR.join(self.path(category_id))


def category_descendant_ids(
    *, category_id: int, tree: CategoryTree | None = None
) -> list[int]:
    """Return the category's id and the ids of every category below it.

    Raises:
        CatalogFilterError: CATEGORY_NOT_FOUND when the category does not exist.
    """
    found = (tree or CategoryTree()).subtree(category_id)
    if not found:
        raise CatalogFilterError(
            CatalogErrorCode.CATEGORY_NOT_FOUND,
            "No category has this ID.",
            field="category",
        )
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


@dataclass(frozen=True, slots=True)
class PageWithRelations:
    """A page of products and, if asked for, their categories and variants."""

    page: Page[ProductRow]
    categories: dict[int, CategoryRow] | None
    variants: dict[int, list[VariantRow]] | None


@dataclass(frozen=True, slots=True)
class PageWithDocuments:
    """A page of products and their documents (None where none can be built)."""

    page: Page[ProductRow]
    documents: list[json_documents.Document] | None


class ProductSearch:
    """Published products matching one filter: a page, a count, facets.

    Built once per request so the category subtree is read once however many
    of page, count and facets the client asks for.
    """

    def __init__(self, filters: ProductFilter) -> None:
        self.filters = filters
        self._tree: CategoryTree | None = None
        self._category_ids: list[int] | None = None
        self._terms: search.SearchTerms | None = None

    def terms(self) -> search.SearchTerms | None:
        """The search terms, typos corrected (read once); None without search."""
        if not self.filters.searching:
            return None
        if self._terms is None:
            assert self.filters.search is not None
            self._terms = search.search_terms(self.filters.search)
        return self._terms

    def columns(self) -> tuple[str, ...]:
        """The product columns of a page, with the rank when searching."""
        return (
            (*PRODUCT_COLUMNS, "search_rank")
            if self.filters.searching
            else PRODUCT_COLUMNS
        )

    async def acorrected(self) -> str | None:
        """The text searched for when typos were corrected, else None."""
        terms = await sync_to_async(self.terms)()
        return None if terms is None else terms.corrected

    def _categories(self) -> CategoryTree:
        if self._tree is None:
            self._tree = CategoryTree()
        return self._tree

    def _subtree(self) -> list[int]:
        if self._category_ids is None:
            assert self.filters.category_id is not None
            self._category_ids = category_descendant_ids(
                category_id=self.filters.category_id, tree=self._categories()
            )
        return self._category_ids

    def _product_condition(
        self,
        *,
        category: bool = True,
        price: bool = True,
        attributes_except: str | None = None,
    ) -> Q:
        filters = self.filters
        condition = Q(is_published=True)
        if category and filters.category_id is not None:
            condition &= Q(category_id__in=self._subtree())
        if filters.collection_id is not None:
            condition &= Q(
                Exists(
                    models.CollectionProduct.objects.filter(
                        collection_id=filters.collection_id, product_id=OuterRef("pk")
                    )
                )
            )
        terms = self.terms()
        if terms is not None:
            condition &= search.matches(terms)
        for wanted in filters.attributes:
            if wanted.attribute != attributes_except:
                condition &= Q(attributes.has_attribute(wanted))
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
        """Return the matching products, unordered, ranked when searching.

        Raises:
            CatalogFilterError: CATEGORY_NOT_FOUND for an unknown category.
        """
        qs = self._matching(self._product_condition())
        terms = self.terms()
        return qs if terms is None else qs.annotate(search_rank=search.rank(terms))

    def page(self, *, sort: ProductSort, window: Window) -> Page[ProductRow]:
        """Return one page in `sort` order, ties broken by id.

        Raises:
            CatalogFilterError: CATEGORY_NOT_FOUND for an unknown category.
            DomainError: INVALID_CURSOR for a cursor of another ordering.
        """
        cache_tags.record(cache_tags.CATALOG)
        page = keyset_page(
            self.queryset().values(*self.columns()), ORDERINGS[sort], window
        )
        return _product_page(page)

    def count(self) -> int:
        """Return how many products match, across all pages.

        Raises:
            CatalogFilterError: CATEGORY_NOT_FOUND for an unknown category.
        """
        cache_tags.record(cache_tags.CATALOG)
        return self.queryset().count()

    def facets(self) -> ProductFacets:
        """Return sizes, colours, categories and price bounds with product counts.

        Each facet ignores its own filter (a shopper who picked size M still
        sees how many products come in L) and counts distinct products. A
        category counts the products of its whole subtree, as filtering by
        it returns them, and is labelled with its ancestors' names.

        Raises:
            CatalogFilterError: CATEGORY_NOT_FOUND for an unknown category.
        """
        cache_tags.record(cache_tags.CATALOG)
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

        direct = dict(
            self._matching(self._product_condition(category=False))
            .values("category_id")
            .annotate(count=Count("id"))
            .values_list("category_id", "count")
        )
        categories = _category_facets(self._categories(), direct)
        bounds = self._matching(self._product_condition(price=False)).aggregate(
            min=Min("base_price"), max=Max("base_price"), count=Count("id")
        )
        return ProductFacets(
            attributes=self._attribute_facets(),
            sizes=variant_facet("size", _variant_condition(filters, sizes=False)),
            colours=variant_facet("colour", _variant_condition(filters, colours=False)),
            categories=categories,
            price=PriceBounds(
                min=_money_or_none(bounds["min"]),
                max=_money_or_none(bounds["max"]),
                count=bounds["count"],
            ),
        )

    def _attribute_facets(self) -> list[AttributeFacet]:
        """Values of filterable attributes with counts of matching products.

        One query for the attributes not filtered on, plus one per attribute
        filtered on: each ignores its own condition, as sizes do.
        """
        filtered = [wanted.attribute for wanted in self.filters.attributes]
        rows: list[dict[str, Any]] = []
        for slug in (None, *filtered):
            products = self._matching(self._product_condition(attributes_except=slug))
            qs = models.ProductAttribute.objects.filter(
                product__in=products.values("id"), value__attribute__filterable=True
            )
            if slug is None:
                qs = qs.exclude(value__attribute__slug__in=filtered)
            else:
                qs = qs.filter(value__attribute__slug=slug)
            rows.extend(
                qs.values(*attributes.FACET_VALUE_COLUMNS)
                .annotate(count=Count("product_id"))
                .order_by()
            )
        return attributes.attribute_facets(rows)

    def page_with_relations(
        self, *, sort: ProductSort, window: Window, categories: bool, variants: bool
    ) -> PageWithRelations:
        """Return one page (as `page`) with the relations the caller will show.

        Same queries as `page`, `categories_by_ids` and `variants_by_product_ids`
        one after another, but in one call: from async code that is one thread
        hop where loading them separately takes three.
        """
        page = self.page(sort=sort, window=window)
        category_ids = list(dict.fromkeys(row.category_id for row in page.rows))
        product_ids = [row.id for row in page.rows]
        return PageWithRelations(
            page=page,
            categories=categories_by_ids(category_ids) if categories else None,
            variants=variants_by_product_ids(product_ids) if variants else None,
        )

    def page_with_documents(
        self, *, sort: ProductSort, window: Window, shape: json_documents.Shape
    ) -> PageWithDocuments:
        """Return one page (as `page`) and its products as documents of `shape`.

        One statement: each row carries its document, which PostgreSQL builds
        for the page's rows only. Documents are None off PostgreSQL.
        """
        annotations = json_documents.document_annotations(shape)
        if annotations is None:
            return PageWithDocuments(
                page=self.page(sort=sort, window=window), documents=None
            )
        cache_tags.record(cache_tags.CATALOG)
        subtree = None
        if self.filters.category_id is not None:
            subtree = tuple(self._subtree())
        statement = _document_page_statement(
            self.filters, subtree, self.terms(), sort, window, shape
        )
        raw = run_statement(statement, ORDERINGS[sort], window)
        page = _product_page(raw)
        json_documents.record_reads(
            [row.id for row in page.rows],
            list(dict.fromkeys(row.category_id for row in page.rows)),
            shape,
        )
        documents = [json_documents.document(row) for row in raw.rows]
        return PageWithDocuments(page=page, documents=documents)

    async def apage_with_documents(
        self, *, sort: ProductSort, window: Window, shape: json_documents.Shape
    ) -> PageWithDocuments:
        """Async twin of `page_with_documents`."""
        return await sync_to_async(self.page_with_documents)(
            sort=sort, window=window, shape=shape
        )

    async def apage(self, *, sort: ProductSort, window: Window) -> Page[ProductRow]:
        """Async twin of `page`."""
        return await sync_to_async(self.page)(sort=sort, window=window)

    async def apage_with_relations(
        self, *, sort: ProductSort, window: Window, categories: bool, variants: bool
    ) -> PageWithRelations:
        """Async twin of `page_with_relations`."""
        return await sync_to_async(self.page_with_relations)(
            sort=sort, window=window, categories=categories, variants=variants
        )

    async def acount(self) -> int:
        """Async twin of `count`."""
        return await sync_to_async(self.count)()

    async def afacets(self) -> ProductFacets:
        """Async twin of `facets`."""
        return await sync_to_async(self.facets)()


@lru_cache(maxsize=256)
def _document_page_statement(
    filters: ProductFilter,
    subtree: tuple[int, ...] | None,
    terms: search.SearchTerms | None,
    sort: ProductSort,
    window: Window,
    shape: json_documents.Shape,
) -> PageStatement:
    """The compiled statement of a page with documents, kept by its inputs.

    Everything the SQL depends on is in the key: the filters, the category
    subtree and the corrected search terms read for this request, the sort,
    the window (cursors included) and the documents' shape. Browsing asks
    for the same first pages again and again; compiling them costs as much
    as running them.
    """
    found = ProductSearch(filters)
    found._category_ids = None if subtree is None else list(subtree)
    found._terms = terms
    annotations = json_documents.document_annotations(shape)
    assert annotations is not None, "PostgreSQL only, checked by the caller"
    rows = (
        found.queryset()
        .annotate(**annotations)
        .values(*found.columns(), *json_documents.ANNOTATED)
    )
    return keyset_statement(rows, ORDERINGS[sort], window)


def _category_facets(tree: CategoryTree, direct: dict[int, int]) -> list[CategoryFacet]:
    """Roll products filed under each category up to its ancestors.

    A product has exactly one category, so summing over a subtree counts
    each matching product once.
    """
    totals: dict[int, int] = defaultdict(int)
    for category_id, count in direct.items():
        for pk in tree.ancestry(category_id):
            totals[pk] += count
    facets = [
        CategoryFacet(
            category_id=pk,
            name=tree.names[pk],
            label=tree.label(pk),
            path=tree.path(pk),
            parent_id=tree.parents[pk],
            count=count,
        )
        for pk, count in totals.items()
    ]
    facets.sort(key=lambda facet: (-facet.count, facet.label, facet.category_id))
    return facets


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
    cache_tags.record(*map(cache_tags.product, ids))
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
    # Not found: any new or renamed product may take the slug.
    cache_tags.record(cache_tags.product(row["id"]) if row else cache_tags.CATALOG)
    return _product_row(row) if row else None


def products_by_category_ids(
    ids: list[int], *, sort: ProductSort, window: Window
) -> dict[int, Page[ProductRow]]:
    """Return the same page of each category's published products.

    A category's products are those filed under it or any category below
    it. The tree is read once; then one query per level of the tree that
    the categories sit on (a top-level list is one): categories on one
    level have disjoint subtrees, so each product maps to at most one of
    them, and ROW_NUMBER() partitioned by that category pages them all.

    Raises:
        DomainError: INVALID_CURSOR for a cursor of another ordering.
    """
    cache_tags.record(cache_tags.CATALOG)
    tree = CategoryTree()
    levels: dict[int, list[int]] = defaultdict(list)
    for pk in dict.fromkeys(ids):
        levels[len(tree.ancestry(pk))].append(pk)
    published = models.Product.objects.filter(is_published=True)
    found: dict[int, Page[ProductRow]] = {}
    for roots in levels.values():
        subtrees = {root: tree.subtree(root) or [root] for root in roots}
        owner = Case(
            *(
                When(category_id__in=subtree, then=Value(root))
                for root, subtree in subtrees.items()
            ),
            default=None,
            output_field=IntegerField(),
        )
        pages = keyset_pages_by_parent(
            # The plain filter lets the database use the category index.
            published.filter(
                category_id__in=[pk for subtree in subtrees.values() for pk in subtree]
            )
            .values(*PRODUCT_COLUMNS)
            .annotate(_category=owner),
            "_category",
            roots,
            ORDERINGS[sort],
            window,
        )
        found.update((pk, _product_page(page)) for pk, page in pages.items())
    return found


def products_by_collection_ids(
    ids: list[int], *, filters: ProductFilter, sort: ProductSort, window: Window
) -> dict[int, Page[ProductRow]]:
    """Return the same page of each collection's matching published products.

    One query for every collection: the join through the collection's
    entries gives each (product, collection) pair a row, and ROW_NUMBER()
    partitioned by collection pages them all (a product may be in several).

    Raises:
        DomainError: INVALID_CURSOR for a cursor of another ordering.
    """
    cache_tags.record(cache_tags.CATALOG)
    found = ProductSearch(filters)
    rows = (
        found.queryset()
        .filter(collection_entries__collection_id__in=ids)
        .values(*found.columns())
        .annotate(_collection=F("collection_entries__collection_id"))
    )
    pages = keyset_pages_by_parent(
        rows, "_collection", list(dict.fromkeys(ids)), ORDERINGS[sort], window
    )
    return {pk: _product_page(page) for pk, page in pages.items()}


def categories_by_ids(ids: list[int]) -> dict[int, CategoryRow]:
    """Return categories by id; unknown ids are absent."""
    cache_tags.record(*map(cache_tags.category, ids))
    rows = models.Category.objects.filter(id__in=ids).values(*CATEGORY_COLUMNS)
    return {row["id"]: _category_row(row) for row in rows}


def category_by_slug(*, slug: str) -> CategoryRow | None:
    """Return the category with this slug, or None."""
    row = models.Category.objects.filter(slug=slug).values(*CATEGORY_COLUMNS).first()
    cache_tags.record(cache_tags.category(row["id"]) if row else cache_tags.CATEGORIES)
    return _category_row(row) if row else None


def category_page(*, top_level_only: bool, window: Window) -> Page[CategoryRow]:
    """Return one page of categories by name, ties broken by id.

    Raises:
        DomainError: INVALID_CURSOR for a cursor of another ordering.
    """
    cache_tags.record(cache_tags.CATEGORIES)
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
    cache_tags.record(cache_tags.CATEGORIES)
    qs = models.Category.objects.all()
    if top_level_only:
        qs = qs.filter(parent__isnull=True)
    return qs.count()


def children_by_parent_ids(ids: list[int]) -> dict[int, list[CategoryRow]]:
    """Return each category's direct children ordered by name, then id."""
    cache_tags.record(cache_tags.CATEGORIES)
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
    cache_tags.record(cache_tags.STOCK, *map(cache_tags.product, ids))
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
            "compare_at_price",
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
        compare_at,
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
                compare_at_price=compare_at,
            )
        )
    return found


def variants_by_ids(ids: list[int]) -> dict[int, VariantRow]:
    """Return variants of published products by id; others are absent."""
    cache_tags.record(cache_tags.CATALOG)  # an unknown id may be created later
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


def media_by_product_ids(ids: list[int]) -> dict[int, list[MediaRow]]:
    """Each product's images in their order, one query for all."""
    cache_tags.record(*map(cache_tags.product, ids))
    rows = (
        models.ProductMedia.objects.filter(product_id__in=ids)
        .order_by("product_id", "sort_order", "id")
        .values(
            "id",
            "product_id",
            "colour",
            "alt",
            "sort_order",
            "original",
            "width",
            "height",
            "renditions",
        )
    )
    found: dict[int, list[MediaRow]] = defaultdict(list)
    for row in rows:
        found[row["product_id"]].append(MediaRow(**row))
    return found


def stock_by_variant_ids(ids: list[int]) -> dict[int, StockRow]:
    """Return stock levels by variant id; a variant without a row has none."""
    cache_tags.record(cache_tags.STOCK)
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
aproducts_by_collection_ids = sync_to_async(products_by_collection_ids)
amedia_by_product_ids = sync_to_async(media_by_product_ids)
astock_by_variant_ids = sync_to_async(stock_by_variant_ids)
