"""Sales report types: figures only, never customers' personal data."""

from __future__ import annotations

import datetime
from decimal import Decimal
from enum import Enum

import strawberry

from apps.reports import report
from schema.catalog.types import Category, Product
from schema.context import Info


@strawberry.enum(
    name="ReportGrouping", description="How a report's time series is bucketed."
)
class ReportGroupingEnum(Enum):
    DAY = strawberry.enum_value(
        "DAY", description=f"One bucket per day (at most {report.MAX_BUCKETS['DAY']})."
    )
    WEEK = strawberry.enum_value(
        "WEEK",
        description=(
            "One bucket per ISO week, starting Monday (at most "
            f"{report.MAX_BUCKETS['WEEK']})."
        ),
    )
    MONTH = strawberry.enum_value(
        "MONTH",
        description=f"One bucket per month (at most {report.MAX_BUCKETS['MONTH']}).",
    )


@strawberry.type(description="Sales in one bucket of a report's time series.")
class SalesBucket:
    bucket: datetime.date = strawberry.field(
        description="First day of the bucket (the day, the week's Monday, the month's 1st)."
    )
    orders_count: int = strawberry.field(description="Orders paid in the bucket.")
    gross_revenue: Decimal = strawberry.field(
        description="Their totals, before refunds."
    )
    net_revenue: Decimal = strawberry.field(description="Gross revenue minus refunds.")
    units_sold: int = strawberry.field(description="Units on those orders.")


@strawberry.type
class _SoldProduct:
    """What top products and top variants share: the product they were sold as."""

    product_id: strawberry.Private[int | None]
    product_name: str = strawberry.field(description="The name it was sold under.")

    @strawberry.field(description="The product, if it still exists and is published.")
    def product(self, info: Info) -> Product | None:
        if self.product_id is None:
            return None
        return info.context.loaders.product_by_id.get(self.product_id)  # type: ignore[return-value]


@strawberry.type(description="A product's sales in a report.")
class ProductSales(_SoldProduct):
    units_sold: int = strawberry.field(description="Units sold.")
    revenue: Decimal = strawberry.field(description="Gross revenue of those units.")


@strawberry.type(description="One size and colour of a product, and its sales.")
class VariantSales(_SoldProduct):
    size: str = strawberry.field(description="Size sold.")
    colour: str = strawberry.field(description="Colour sold.")
    units_sold: int = strawberry.field(description="Units sold.")
    revenue: Decimal = strawberry.field(description="Gross revenue of those units.")


@strawberry.type(description="A category's sales in a report.")
class CategorySales:
    category_id: strawberry.Private[int | None]
    revenue: Decimal = strawberry.field(description="Gross revenue of its lines.")

    @strawberry.field(description="The category; null for products since deleted.")
    def category(self, info: Info) -> Category | None:
        if self.category_id is None:
            return None
        return info.context.loaders.category_by_id.get(self.category_id)  # type: ignore[return-value]


@strawberry.type(
    description=(
        "How the shop sold between two dates (inclusive, in the shop's time zone): "
        "PAID, FULFILLED and REFUNDED orders, counted on the day they were paid. "
        "Money is in `currency`, as decimal strings."
    )
)
class SalesReport:
    from_: datetime.date = strawberry.field(name="from", description="First day.")
    to: datetime.date = strawberry.field(description="Last day, inclusive.")
    group_by: ReportGroupingEnum = strawberry.field(
        description="How `series` is bucketed."
    )
    currency: str = strawberry.field(description="ISO 4217 code of every amount.")
    orders_count: int = strawberry.field(description="Orders paid in the range.")
    gross_revenue: Decimal = strawberry.field(
        description="Their totals, before refunds."
    )
    refunds: Decimal = strawberry.field(description="What was refunded of them.")
    net_revenue: Decimal = strawberry.field(description="Gross revenue minus refunds.")
    average_order_value: Decimal = strawberry.field(
        description="Gross revenue per order; 0.00 without orders."
    )
    units_sold: int = strawberry.field(description="Units on those orders.")
    series: list[SalesBucket] = strawberry.field(
        description="Every bucket of the range, in order; empty ones are zero."
    )
    top_products: list[ProductSales] = strawberry.field(
        description="The ten products with the most revenue."
    )
    top_variants: list[VariantSales] = strawberry.field(
        description="The ten sizes and colours with the most revenue."
    )
    top_categories: list[CategorySales] = strawberry.field(
        description="The ten categories with the most revenue."
    )


def report_from(result: report.SalesReport) -> SalesReport:
    return SalesReport(
        from_=result.start,
        to=result.end,
        group_by=ReportGroupingEnum(result.group_by.value),
        currency=result.currency,
        orders_count=result.orders_count,
        gross_revenue=result.gross_revenue,
        refunds=result.refunds,
        net_revenue=result.net_revenue,
        average_order_value=result.average_order_value,
        units_sold=result.units_sold,
        series=[
            SalesBucket(
                bucket=b.bucket,
                orders_count=b.orders_count,
                gross_revenue=b.gross_revenue,
                net_revenue=b.net_revenue,
                units_sold=b.units_sold,
            )
            for b in result.series
        ],
        top_products=[
            ProductSales(
                product_id=p.product_id,
                product_name=p.product_name,
                units_sold=p.units_sold,
                revenue=p.revenue,
            )
            for p in result.top_products
        ],
        top_variants=[
            VariantSales(
                product_id=v.product_id,
                product_name=v.product_name,
                size=v.size,
                colour=v.colour,
                units_sold=v.units_sold,
                revenue=v.revenue,
            )
            for v in result.top_variants
        ],
        top_categories=[
            CategorySales(category_id=c.category_id, revenue=c.revenue)
            for c in result.top_categories
        ],
    )
