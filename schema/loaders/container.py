"""The per-request set of loaders: built fresh for every request, never shared."""

from __future__ import annotations

from functools import cached_property

from apps.catalog import json_documents
from schema.loaders import catalog, orders, payments


class Loaders:
    """Loaders are created on first use, so a request pays only for its own."""

    @cached_property
    def category_by_id(self) -> catalog.CategoryByIdLoader:
        return catalog.CategoryByIdLoader()

    @cached_property
    def categories_by_parent_id(self) -> catalog.CategoriesByParentIdLoader:
        return catalog.CategoriesByParentIdLoader()

    @cached_property
    def product_by_id(self) -> catalog.ProductByIdLoader:
        return catalog.ProductByIdLoader()

    @cached_property
    def products_by_category_id(self) -> catalog.ProductsByCategoryIdLoader:
        return catalog.ProductsByCategoryIdLoader()

    @cached_property
    def products_by_collection_id(self) -> catalog.ProductsByCollectionIdLoader:
        return catalog.ProductsByCollectionIdLoader()

    @cached_property
    def media_by_product_id(self) -> catalog.MediaByProductIdLoader:
        return catalog.MediaByProductIdLoader()

    @cached_property
    def attributes_by_product_id(self) -> catalog.AttributesByProductIdLoader:
        return catalog.AttributesByProductIdLoader()

    @cached_property
    def stock_by_variant_id(self) -> catalog.StockByVariantIdLoader:
        return catalog.StockByVariantIdLoader()

    @cached_property
    def variants_by_product_id(self) -> catalog.VariantsByProductIdLoader:
        return catalog.VariantsByProductIdLoader(self.stock_by_variant_id)

    @cached_property
    def _product_documents(
        self,
    ) -> dict[json_documents.Shape, catalog.ProductDocumentsLoader]:
        return {}

    def product_documents(
        self, shape: json_documents.Shape
    ) -> catalog.ProductDocumentsLoader:
        """The loader of product documents of `shape` (one per shape)."""
        loaders = self._product_documents
        if shape not in loaders:
            loaders[shape] = catalog.ProductDocumentsLoader(shape)
        return loaders[shape]

    @cached_property
    def variant_by_id(self) -> catalog.VariantByIdLoader:
        return catalog.VariantByIdLoader()

    @cached_property
    def sale_variant_part_by_id(self) -> catalog.SaleVariantPartByIdLoader:
        return catalog.SaleVariantPartByIdLoader()

    @cached_property
    def sale_product_part_by_id(self) -> catalog.SaleProductPartByIdLoader:
        return catalog.SaleProductPartByIdLoader()

    @cached_property
    def order_by_id(self) -> orders.OrderByIdLoader:
        return orders.OrderByIdLoader()

    @cached_property
    def lines_by_order_id(self) -> orders.LinesByOrderIdLoader:
        return orders.LinesByOrderIdLoader()

    @cached_property
    def status_changes_by_order_id(self) -> orders.StatusChangesByOrderIdLoader:
        return orders.StatusChangesByOrderIdLoader()

    @cached_property
    def payment_by_id(self) -> payments.PaymentByIdLoader:
        return payments.PaymentByIdLoader()

    @cached_property
    def payment_by_order_id(self) -> payments.PaymentByOrderIdLoader:
        return payments.PaymentByOrderIdLoader()
