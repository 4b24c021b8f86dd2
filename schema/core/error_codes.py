"""GraphQL error-code enums, generated from the domain's code enums.

The domain owns the codes and what they mean (`apps.core.errors.describe`);
the schema only exposes them, as Saleor builds each with one
`graphene.Enum.from_enum(...)`. A code added in the domain reaches clients
without a copy to keep in step. Permission codes never become payload codes
(docs/graphql.md, "Who may call what").
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import Any, cast

import strawberry
from django.conf import settings
from strawberry.types.enum import EnumValueDefinition

from apps.core.errors import code_description
from schema.core.errors import PERMISSION_CODES


@dataclass(frozen=True, slots=True, kw_only=True)
class GeneratedEnum:
    """What a generated enum was built from, for the parity test."""

    sources: tuple[type[StrEnum], ...]
    excluded: frozenset[StrEnum]


# GraphQL enum name -> its sources; filled as schema modules are imported.
GENERATED: dict[str, GeneratedEnum] = {}


class _Settings(Mapping[str, Any]):
    """Settings by name, so a description's `{SETTING}` reads its value."""

    def __getitem__(self, name: str) -> Any:
        return getattr(settings, name)

    def __iter__(self) -> Iterator[str]:
        return iter(dir(settings))

    def __len__(self) -> int:
        return len(dir(settings))


def documented(code: StrEnum) -> str | None:
    """Return a code's domain description with its `{SETTING}` limits filled in."""
    description = code_description(code)
    return description.format_map(_Settings()) if description else None


def error_code_enum[E: Enum](
    *sources: type[StrEnum],
    name: str,
    description: str,
    exclude: Collection[StrEnum] = (),
) -> Callable[[type[E]], type[E]]:
    """Replace an empty Enum class by the GraphQL enum of `sources`' codes.

    Codes are taken in order, the first source's first; a value shared by two
    sources appears once. `exclude` lists codes no mutation of this enum can
    raise (say why where it is used). The decorated class only gives the enum
    its Python name, so mypy and Strawberry's annotations can refer to it.
    """

    def build(declared: type[E]) -> type[E]:
        assert not list(declared), f"{declared.__name__} must declare no members"
        values: dict[str, EnumValueDefinition] = {}
        for source in sources:
            for code in source:
                skip = code in exclude or str(code) in PERMISSION_CODES
                if skip or code.name in values:
                    continue
                values[code.name] = strawberry.enum_value(
                    code.value, description=documented(code)
                )
        generated = Enum(  # type: ignore[misc]
            declared.__name__,
            values,
            module=declared.__module__,
            qualname=declared.__qualname__,
        )
        GENERATED[name] = GeneratedEnum(sources=sources, excluded=frozenset(exclude))
        return cast(
            "type[E]", strawberry.enum(generated, name=name, description=description)
        )

    return build


# Top-level codes of a whole request refused before it runs (the
# `extensions.code` of an error without a path; docs/graphql.md, "Errors").
# THROTTLED is also AccountErrorCode.THROTTLED in payloads: one word, one meaning.
QUERY_TOO_COSTLY = "QUERY_TOO_COSTLY"
THROTTLED = "THROTTLED"
