"""`searchSuggestions`: products, categories, brands and collections as one types them."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from apps.catalog import suggestions
from apps.catalog.filters import MAX_SEARCH_LENGTH
from schema.catalog.collections import Collection
from schema.catalog.types import Category, Product
from schema.core.errors import InputErrorCode, input_error

DEFAULT_SUGGESTIONS = 5


@strawberry.type(description="A brand with published products matching the text.")
class BrandSuggestion:
    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, suggestions.BrandRow)

    name: str = strawberry.field(
        description="The brand, as `products(filter: {search})` finds it."
    )
    product_count: int = strawberry.field(description="Its published products.")


@strawberry.type(description="What to suggest for the text typed so far.")
class SearchSuggestions:
    found: strawberry.Private[suggestions.Suggestions]

    @strawberry.field(
        description=(
            "Published products with a name word starting with each typed "
            "word, by name."
        )
    )
    def products(self) -> list[Product]:
        # Their relations load in one batch each, or as PostgreSQL-built
        # documents when the plan covers the selection (schema/catalog/documents.py).
        return self.found.products  # type: ignore[return-value]

    @strawberry.field(
        description="Categories with a name word starting with each typed word."
    )
    def categories(self) -> list[Category]:
        return self.found.categories  # type: ignore[return-value]

    @strawberry.field(
        description=(
            "Brands with a word starting with each typed word, most products "
            "first (counts may be up to a minute old)."
        )
    )
    def brands(self) -> list[BrandSuggestion]:
        return self.found.brands  # type: ignore[return-value]

    @strawberry.field(
        description=(
            "Visible collections with a name word starting with each typed word."
        )
    )
    def collections(self) -> list[Collection]:
        return self.found.collections  # type: ignore[return-value]


@strawberry.type
class SuggestionQuery:
    @strawberry.field(
        description=(
            "Predictive search while the shopper types: up to `first` of each "
            "kind. Empty lists for blank text."
        )
    )
    async def search_suggestions(
        self,
        query: Annotated[
            str,
            strawberry.argument(
                description=f"The text typed so far (at most {MAX_SEARCH_LENGTH})."
            ),
        ],
        first: Annotated[
            int,
            strawberry.argument(
                description=(
                    f"Suggestions of each kind, 1 to {suggestions.MAX_SUGGESTIONS}."
                )
            ),
        ] = DEFAULT_SUGGESTIONS,
    ) -> SearchSuggestions:
        if len(query) > MAX_SEARCH_LENGTH:
            raise input_error(
                InputErrorCode.BAD_USER_INPUT,
                f"The query is limited to {MAX_SEARCH_LENGTH} characters.",
                field="query",
            )
        if not 1 <= first <= suggestions.MAX_SUGGESTIONS:
            raise input_error(
                InputErrorCode.BAD_USER_INPUT,
                f"first must be between 1 and {suggestions.MAX_SUGGESTIONS}.",
                field="first",
            )
        found = await suggestions.asearch_suggestions(text=query, first=first)
        return SearchSuggestions(found=found)
