"""productMediaCreate: staff upload a product image (GraphQL multipart request spec)."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any

import strawberry
from asgiref.sync import sync_to_async
from django.conf import settings
from strawberry import relay
from strawberry.file_uploads import Upload

from apps.catalog import media
from apps.catalog.errors import MediaError as DomainMediaError
from apps.catalog.errors import MediaErrorCode
from apps.catalog.models import ALT_MAX_LENGTH, COLOUR_MAX_LENGTH
from apps.catalog.selectors import media_by_product_ids
from schema.catalog.media import ProductMedia
from schema.core.error_codes import error_code_enum
from schema.core.ids import decode_global_id
from schema.core.input_checks import bounded_field
from schema.core.permissions import IsStaff
from schema.core.user_errors import UserError, user_error_from


@error_code_enum(
    MediaErrorCode,
    name="ProductMediaErrorCode",
    description="Why an image was not stored (nothing was).",
)
class ProductMediaErrorCodeEnum(Enum):
    pass


@strawberry.type(
    name="ProductMediaError", description="Why productMediaCreate stored nothing."
)
class ProductMediaError(UserError[ProductMediaErrorCodeEnum]):
    pass


@strawberry.input(description="A new product image.")
class ProductMediaCreateInput:
    product: relay.GlobalID = strawberry.field(description="The Product it shows.")
    image: Upload = strawberry.field(
        description=(
            "The file, sent as a GraphQL multipart request: JPEG, PNG or WebP, "
            f"at most {settings.MEDIA_UPLOAD_MAX_BYTES // (1024 * 1024)} MB and "
            f"under {settings.MEDIA_MAX_PIXELS // 1_000_000} megapixels. EXIF is removed."
        )
    )
    alt: str = bounded_field(
        default="",
        description="What it shows, for screen readers.",
        max_length=ALT_MAX_LENGTH,
    )
    colour: str = bounded_field(
        default="",
        description="The variants' colour it shows (e.g. Navy); empty: every colour.",
        max_length=COLOUR_MAX_LENGTH,
    )


@strawberry.type(description="The result of productMediaCreate.")
class ProductMediaCreatePayload:
    media: ProductMedia | None = strawberry.field(
        default=None, description="The stored image; null when errors is not empty."
    )
    errors: list[ProductMediaError] = strawberry.field(
        default_factory=list, description="Empty when the mutation succeeded."
    )


def _store(product_id: int, upload: Any, alt: str, colour: str) -> int:
    # Read whole: the request body cap bounds it; the service checks the size.
    data: bytes = upload.read()
    stored = media.media_upload(
        media.Upload(product_id=product_id, data=data, alt=alt, colour=colour)
    )
    return stored.pk


@strawberry.type
class ProductMediaMutation:
    @strawberry.mutation(
        description=(
            "Add an image to a product (staff only), sent as a GraphQL multipart "
            "request (`operations`, `map`, then the file). Its sizes are made in "
            "the background; until then its URL is the original's."
        ),
        permission_classes=[IsStaff],
    )
    async def product_media_create(
        self,
        input: Annotated[
            ProductMediaCreateInput, strawberry.argument(description="The image.")
        ],
    ) -> ProductMediaCreatePayload | None:
        product_id = decode_global_id(
            input.product, expected="Product", field="product"
        )
        if not hasattr(input.image, "read"):
            error = DomainMediaError(
                MediaErrorCode.NOT_AN_IMAGE,
                "Send the file as a GraphQL multipart request.",
                field="image",
            )
            return ProductMediaCreatePayload(errors=[_error(error)])
        try:
            media_id = await sync_to_async(_store)(
                product_id, input.image, input.alt, input.colour
            )
        except DomainMediaError as error:
            return ProductMediaCreatePayload(errors=[_error(error)])
        rows = await sync_to_async(media_by_product_ids)([product_id])
        row = next(row for row in rows[product_id] if row.id == media_id)
        return ProductMediaCreatePayload(media=ProductMedia(row=row))


def _error(error: DomainMediaError) -> ProductMediaError:
    return user_error_from(
        error, error_type=ProductMediaError, codes=ProductMediaErrorCodeEnum
    )
