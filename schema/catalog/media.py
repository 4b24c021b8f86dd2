"""Product images in GraphQL: each asks for its size and format, gets the nearest ready."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any

import strawberry
from strawberry import relay

from apps.catalog import media
from apps.catalog.rows import MediaRow
from schema.core.errors import InputErrorCode, input_error

WIDTH_MAX = 4096


@strawberry.enum(name="ImageFormat", description="What an image URL is encoded as.")
class ImageFormatEnum(Enum):
    WEBP = strawberry.enum_value(
        "webp", description="WebP: smaller, every browser now."
    )
    JPEG = strawberry.enum_value("jpeg", description="JPEG: for the oldest clients.")


@strawberry.type(
    name="ProductMedia",
    description="A product image, for all its colours or one, with alt text.",
)
class ProductMedia:
    row: strawberry.Private[MediaRow]

    @strawberry.field(description="The image's global ID.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(relay.to_base64("ProductMedia", self.row.id))

    @strawberry.field(description="What it shows, for screen readers; may be empty.")
    def alt(self) -> str:
        return self.row.alt

    @strawberry.field(description="The variants' colour it shows; null: every colour.")
    def colour(self) -> str | None:
        return self.row.colour or None

    @strawberry.field(description="The original's width in pixels.")
    def width(self) -> int:
        return self.row.width

    @strawberry.field(description="The original's height in pixels.")
    def height(self) -> int:
        return self.row.height

    @strawberry.field(
        description=(
            "The URL of the nearest ready rendition at least `width` pixels wide "
            "(160, 320, 640, 1280; the largest if none is that wide; the original "
            "until renditions are made). Immutable: cache it for a year."
        )
    )
    def url(
        self,
        width: Annotated[
            int | None,
            strawberry.argument(description=f"Wanted width, 1 to {WIDTH_MAX} pixels."),
        ] = None,
        format: Annotated[
            ImageFormatEnum,
            strawberry.argument(description="WEBP (default) or JPEG."),
        ] = ImageFormatEnum.WEBP,
    ) -> str:
        return image_url(self.row, width, format)


def image_url(stored: Any, width: int | None, format: ImageFormatEnum) -> str:
    """The `url` field of every image type: width checked here, once."""
    if width is not None and not 1 <= width <= WIDTH_MAX:
        raise input_error(
            InputErrorCode.BAD_USER_INPUT,
            f"width: 1 to {WIDTH_MAX} pixels.",
            field="width",
        )
    return media.media_url(
        stored, width=width, fmt=media.ImageFormat(str(format.value))
    )


def for_colour(rows: list[MediaRow], colour: str) -> list[ProductMedia]:
    """A variant's gallery: its colour's images, else the product's general ones."""
    own = [row for row in rows if row.colour and row.colour.lower() == colour.lower()]
    chosen = own or [row for row in rows if not row.colour]
    return [ProductMedia(row=row) for row in chosen]
