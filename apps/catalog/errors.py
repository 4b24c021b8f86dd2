from enum import StrEnum

from apps.core.errors import DomainError, describe


class CatalogErrorCode(StrEnum):
    INVALID_PRICE_RANGE = "INVALID_PRICE_RANGE"
    INVALID_FILTER = "INVALID_FILTER"
    CATEGORY_NOT_FOUND = "CATEGORY_NOT_FOUND"


class CatalogFilterError(DomainError):
    """A product filter that cannot be satisfied as given."""


class MediaErrorCode(StrEnum):
    PRODUCT_NOT_FOUND = "PRODUCT_NOT_FOUND"
    FILE_TOO_LARGE = "FILE_TOO_LARGE"
    NOT_AN_IMAGE = "NOT_AN_IMAGE"
    UNSUPPORTED_TYPE = "UNSUPPORTED_TYPE"
    IMAGE_TOO_LARGE = "IMAGE_TOO_LARGE"
    TOO_MANY_IMAGES = "TOO_MANY_IMAGES"
    INVALID_ALT = "INVALID_ALT"
    INVALID_COLOUR = "INVALID_COLOUR"


describe(
    MediaErrorCode,
    {
        MediaErrorCode.PRODUCT_NOT_FOUND: "No product has this ID.",
        MediaErrorCode.FILE_TOO_LARGE: (
            "The file is larger than MEDIA_UPLOAD_MAX_BYTES ({MEDIA_UPLOAD_MAX_BYTES} bytes)."
        ),
        MediaErrorCode.NOT_AN_IMAGE: "The file is not an image, or it is damaged.",
        MediaErrorCode.UNSUPPORTED_TYPE: "An image, but not JPEG, PNG or WebP.",
        MediaErrorCode.IMAGE_TOO_LARGE: (
            "The image has {MEDIA_MAX_PIXELS} pixels or more (a decompression bomb "
            "is a small file that decodes into gigabytes)."
        ),
        MediaErrorCode.TOO_MANY_IMAGES: (
            "The product already has {MEDIA_MAX_PER_PRODUCT} images, or the "
            "colour {MEDIA_MAX_PER_COLOUR}."
        ),
        MediaErrorCode.INVALID_ALT: "Alt text is at most 250 characters, with no NUL.",
        MediaErrorCode.INVALID_COLOUR: "A colour is at most 32 characters, with no NUL.",
    },
)


class MediaError(DomainError):
    """An image that cannot be stored as sent; nothing was stored."""
