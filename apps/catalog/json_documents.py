"""Products as JSON documents built by PostgreSQL, in one statement per page.

An interface that shows a page of products with their category and variants
would otherwise read three queries of rows and turn every row into objects
and then into JSON in Python, which is most of such a request's CPU. Here the
caller describes the document it wants (`Shape`: its keys, in order, and
what each holds) and PostgreSQL returns the finished documents for a list of
product ids, in that order, as one JSON text. Nothing here knows GraphQL;
schema/catalog/documents.py turns a selection into a shape.

Values are written as the rest of the codebase writes them: money as the
decimal text of its column ("129.00"), `available` as on hand minus
reserved (0 without a stock row), global IDs as base64 of "Type:pk".
PostgreSQL only: `documents` answers None elsewhere, and callers fall back.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal, NamedTuple

import orjson
from asgiref.sync import sync_to_async
from django.db import connection
from django.db.models.expressions import RawSQL

from apps.catalog import models
from apps.core import cache_tags

Table = Literal["product", "category", "variant"]


@dataclass(frozen=True, slots=True)
class Value:
    """A named value of the current row (see `_VALUES`)."""

    name: str


@dataclass(frozen=True, slots=True)
class Const:
    """The same JSON string in every document (a GraphQL `__typename`)."""

    text: str


@dataclass(frozen=True, slots=True)
class GlobalId:
    """base64("<type_name>:<pk>"), as Relay global IDs are written."""

    type_name: str


@dataclass(frozen=True, slots=True)
class Nested:
    """An object made from the same row (a price, a variant's stock)."""

    shape: Shape


@dataclass(frozen=True, slots=True)
class Relation:
    """Another table's row(s): a product's `category` or `variants`."""

    name: Literal["category", "variants"]
    shape: Shape


Part = Value | Const | GlobalId | Nested | Relation


@dataclass(frozen=True, slots=True)
class Shape:
    """A JSON object: its keys in order and what each holds."""

    fields: tuple[tuple[str, Part], ...]


class Document(NamedTuple):
    """One product's document as PostgreSQL wrote it, and its variants' number.

    The text goes into a response as it is; the number lets a caller count
    what the document holds (a query's cost) without reading it. A tuple:
    a page makes fifty of them.
    """

    text: str
    variants: int


def _column(model: type[Any], field: str) -> str:
    return str(model._meta.get_field(field).column)


_PRODUCT = models.Product._meta.db_table
_CATEGORY = models.Category._meta.db_table
_VARIANT = models.ProductVariant._meta.db_table
_STOCK = models.Stock._meta.db_table

# Stock of the variant row `v`: on hand minus reserved, 0 without a row.
_AVAILABLE = (
    f"(COALESCE(s.{_column(models.Stock, 'quantity_on_hand')}, 0)"
    f" - COALESCE(s.{_column(models.Stock, 'quantity_reserved')}, 0))"
)

# The values each table's rows offer, as SQL over its alias (c, v) and the
# product's, `{p}`: "p" in `product_sql`, the table itself in
# `document_annotations`.
_VALUES: dict[Table, dict[str, str]] = {
    "product": {
        "pk": "{p}.id",
        "name": f"{{p}}.{_column(models.Product, 'name')}",
        "slug": f"{{p}}.{_column(models.Product, 'slug')}",
        "description": f"{{p}}.{_column(models.Product, 'description')}",
        "brand": f"{{p}}.{_column(models.Product, 'brand')}",
        "base_price": f"{{p}}.{_column(models.Product, 'base_price')}::text",
        "currency": f"{{p}}.{_column(models.Product, 'currency')}",
    },
    "category": {
        "pk": "c.id",
        "name": f"c.{_column(models.Category, 'name')}",
        "slug": f"c.{_column(models.Category, 'slug')}",
    },
    "variant": {
        "pk": "v.id",
        "sku": f"v.{_column(models.ProductVariant, 'sku')}",
        "size": f"v.{_column(models.ProductVariant, 'size')}",
        "colour": f"v.{_column(models.ProductVariant, 'colour')}",
        # A variant's product is the document's `p` (the variants are its own).
        "price": (
            f"COALESCE(v.{_column(models.ProductVariant, 'price_override')},"
            f" {{p}}.{_column(models.Product, 'base_price')})::text"
        ),
        "currency": f"{{p}}.{_column(models.Product, 'currency')}",
        "available": _AVAILABLE,
        "sold_out": f"({_AVAILABLE} <= 0)",
        "low": f"({_AVAILABLE} > 0 AND {_AVAILABLE} <= 5)",
    },
}

# How many variants the product `{p}` has, as a document of it lists them.
_VARIANTS = (
    f"(SELECT count(*) FROM {_VARIANT} v"  # noqa: S608 - names from the models
    f" WHERE v.{_column(models.ProductVariant, 'product')} = {{p}}.id)"
)

_ALIAS: dict[Table, str] = {"product": "{p}", "category": "c", "variant": "v"}


def offers(table: Table, name: str) -> bool:
    """Whether rows of `table` offer the value `name`."""
    return name in _VALUES[table]


def _object(table: Table, shape: Shape) -> str:
    """SQL for one JSON object of `shape` over the current row of `table`.

    Product columns are written over `{p}`, for `_over` to name the alias.
    """
    parts: list[str] = []
    for key, part in shape.fields:
        parts.append(_literal(key))
        parts.append(_part(table, part))
    return f"json_build_object({', '.join(parts)})"


def _part(table: Table, part: Part) -> str:
    if isinstance(part, Value):
        return _VALUES[table][part.name]
    if isinstance(part, Const):
        return f"{_literal(part.text)}::text"
    if isinstance(part, GlobalId):
        pk = f"{_ALIAS[table]}.id"
        raw = f"convert_to({_literal(part.type_name + ':')} || {pk}::text, 'UTF8')"
        # PostgreSQL breaks base64 lines at 76 characters; Python does not.
        return f"translate(encode({raw}, 'base64'), E'\\n', '')"
    if isinstance(part, Nested):
        return _object(table, part.shape)
    if part.name == "category":
        category = _object("category", part.shape)
        return (
            f"(SELECT {category} FROM {_CATEGORY} c"  # noqa: S608 - see _literal
            f" WHERE c.id = {{p}}.{_column(models.Product, 'category')})"
        )
    variant = _object("variant", part.shape)
    product_fk = _column(models.ProductVariant, "product")
    return (
        f"COALESCE((SELECT json_agg({variant} ORDER BY v.id)"  # noqa: S608
        f" FROM {_VARIANT} v"
        f" LEFT JOIN {_STOCK} s ON s.{_column(models.Stock, 'variant')} = v.id"
        f" WHERE v.{product_fk} = {{p}}.id), '[]'::json)"
    )


def _literal(text: str) -> str:
    """A SQL string literal, quotes doubled.

    SQL here is built from this module's table and column names and from keys
    and type names, which GraphQL limits to letters, digits and underscores.
    """
    return "'" + text.replace("'", "''") + "'"


def _over(sql: str, product: str) -> str:
    """`sql` with its product columns read from the alias `product`."""
    return sql.replace("{p}", product)


@lru_cache(maxsize=256)
def product_sql(shape: Shape) -> str:
    """One statement: the documents of the given product ids, in their order."""
    return (
        f"SELECT {', '.join(_document_columns(shape, 'p'))}"  # noqa: S608 - see _literal
        f" FROM unnest(%(ids)s::bigint[]) WITH ORDINALITY AS ids(id, ord)"
        f" JOIN {_PRODUCT} p ON p.id = ids.id"
        # Said again on `p` so PostgreSQL looks the page up by primary key
        # rather than scanning every product to join them.
        f" WHERE p.id = ANY(%(ids)s::bigint[])"
        f" ORDER BY ids.ord"
    )


def _document_columns(shape: Shape, product: str) -> tuple[str, str]:
    """The document as text, and its variants' number (0 if it lists none)."""
    count = _over(_VARIANTS, product) if "variants" in relations(shape) else "0"
    return f"{_over(_object('product', shape), product)}::text", count


def relations(shape: Shape) -> set[str]:
    """The relations (`category`, `variants`) a shape reaches."""
    found: set[str] = set()
    for _, part in shape.fields:
        if isinstance(part, Relation):
            found.add(part.name)
            found |= relations(part.shape)
        elif isinstance(part, Nested):
            found |= relations(part.shape)
    return found


@lru_cache(maxsize=256)
def _annotation_sql(shape: Shape) -> tuple[str, str]:
    # The ORM names the product table by itself; `%` would read as a parameter.
    text, count = _document_columns(shape, _PRODUCT)
    return text.replace("%", "%%"), count.replace("%", "%%")


def document_annotations(shape: Shape) -> dict[str, RawSQL] | None:
    """Each product row's document and variants' number, for a product queryset.

    A page annotated with them reads its rows and their documents in one
    statement: PostgreSQL builds them for the page's rows only, after the
    limit. `document(row)` reads them back. None where documents cannot be
    built (not PostgreSQL).
    """
    if connection.vendor != "postgresql":
        return None
    text, count = _annotation_sql(shape)
    # No caller's text in either: see _literal.
    return {_TEXT: RawSQL(text, ()), _COUNT: RawSQL(count, ())}  # noqa: S611


_TEXT, _COUNT = "json_document", "json_document_variants"
ANNOTATED = (_TEXT, _COUNT)


def document(row: dict[str, Any]) -> Document:
    """The document of a row annotated with `annotations`."""
    return Document(row[_TEXT], row[_COUNT])


def record_reads(ids: list[int], category_ids: list[int], shape: Shape) -> None:
    """Tag the request with what documents of `shape` for these products read."""
    reached = relations(shape)
    cache_tags.record(*map(cache_tags.product, ids))
    if "category" in reached:
        cache_tags.record(*map(cache_tags.category, category_ids))
    if "variants" in reached:
        cache_tags.record(cache_tags.STOCK)


def parse(text: str) -> Any:
    """A document, as Python values, from the JSON text PostgreSQL wrote."""
    return orjson.loads(text)


def product_documents(
    ids: list[int], category_ids: list[int], shape: Shape
) -> list[Document] | None:
    """The documents of products `ids` (filed under `category_ids`), in order.

    None when the database cannot build them (not PostgreSQL) or a product
    has gone since the caller read it: the caller then reads rows instead.
    """
    if connection.vendor != "postgresql":
        return None
    record_reads(ids, category_ids, shape)
    with connection.cursor() as cursor:
        cursor.execute(product_sql(shape), {"ids": ids})
        found = [Document(text, count) for text, count in cursor.fetchall()]
    return found if len(found) == len(ids) else None


aproduct_documents = sync_to_async(product_documents)
