"""Product images: checked uploads, renditions made in the background, nearest-size URLs.

An upload is refused, with nothing stored, unless it is a JPEG, PNG or WebP
image under MEDIA_UPLOAD_MAX_BYTES and MEDIA_MAX_PIXELS; the size is read
from the header before any pixel is decoded, so a decompression bomb costs
nothing. What is kept is re-encoded by Pillow: the EXIF block (GPS, camera
serial) is dropped, its orientation applied first. Renditions (each width of
MEDIA_RENDITION_WIDTHS in WebP and JPEG) are made by a job on the analytics
queue; until one is ready, a URL points at the nearest ready one, or at the
original. Every stored name holds the original's SHA-256, so a URL never
changes meaning and may be cached for a year.

Written here rather than with a thumbnail library (sorl, easy-thumbnails,
imagekit): those make sizes on first request, in the web process, from
whatever was uploaded; here the sizes are fixed, made off the request path,
and the upload is checked and stripped before anything is stored.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from PIL import Image, ImageOps, UnidentifiedImageError

from apps.catalog.errors import MediaError, MediaErrorCode
from apps.catalog.models import (
    ALT_MAX_LENGTH,
    COLOUR_MAX_LENGTH,
    Product,
    ProductMedia,
)

# Pillow's format name -> what we store and serve.
_ACCEPTED = {"JPEG": "jpeg", "PNG": "png", "WEBP": "webp"}
_SAVE = {
    "jpeg": ("JPEG", {"quality": 90, "optimize": True}),
    "png": ("PNG", {}),
    "webp": ("WEBP", {"quality": 85, "method": 4}),
}


class ImageFormat(StrEnum):
    """The formats renditions are made in."""

    WEBP = "webp"
    JPEG = "jpeg"


@dataclass(frozen=True, slots=True, kw_only=True)
class Upload:
    """What staff send: the file's bytes and how to show it."""

    product_id: int
    data: bytes
    alt: str = ""
    colour: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredImage:
    """An original as stored: its storage name, content hash and size."""

    name: str
    content_hash: str
    width: int
    height: int


def image_store(data: bytes) -> StoredImage:
    """Check an image, strip its metadata and store it under its content hash.

    Raises:
        MediaError: FILE_TOO_LARGE, NOT_AN_IMAGE, UNSUPPORTED_TYPE,
            IMAGE_TOO_LARGE.
    """
    if len(data) > settings.MEDIA_UPLOAD_MAX_BYTES:
        raise MediaError(
            MediaErrorCode.FILE_TOO_LARGE,
            f"At most {settings.MEDIA_UPLOAD_MAX_BYTES // (1024 * 1024)} MB.",
            field="image",
        )
    image, kind = _decoded(data)
    body = _encoded(image, kind)
    digest = hashlib.sha256(body).hexdigest()
    name = _store(f"products/{digest}/original.{kind}", body)
    return StoredImage(
        name=name, content_hash=digest, width=image.width, height=image.height
    )


def media_upload(upload: Upload) -> ProductMedia:
    """Check, strip and store an image, then have its renditions made.

    The product is checked first; the file is stored before the row, so a
    row never lacks its file, and a row that fails after (the product
    deleted meanwhile, a cap reached) leaves an unreferenced file that a
    retry reuses (names are content hashes).

    Raises:
        MediaError: PRODUCT_NOT_FOUND, FILE_TOO_LARGE, NOT_AN_IMAGE,
            UNSUPPORTED_TYPE, IMAGE_TOO_LARGE, TOO_MANY_IMAGES, INVALID_ALT,
            INVALID_COLOUR.
    """
    _text_check(upload)
    if not Product.objects.filter(pk=upload.product_id).exists():
        raise _product_missing()
    stored = image_store(upload.data)
    with transaction.atomic():
        product = (
            Product.objects.select_for_update().filter(pk=upload.product_id).first()
        )
        if product is None:  # deleted since the check above
            raise _product_missing()
        _count_check(product, upload.colour.strip())
        last = ProductMedia.objects.filter(product=product).aggregate(
            n=Max("sort_order")
        )
        media = ProductMedia.objects.create(
            product=product,
            colour=upload.colour.strip(),
            alt=upload.alt.strip(),
            sort_order=(last["n"] + 1) if last["n"] is not None else 0,
            original=stored.name,
            content_hash=stored.content_hash,
            width=stored.width,
            height=stored.height,
        )
        renditions_enqueue(media.pk)
    return media


def _product_missing() -> MediaError:
    return MediaError(
        MediaErrorCode.PRODUCT_NOT_FOUND, "No product has this ID.", field="product_id"
    )


def _count_check(product: Product, colour: str) -> None:
    """TOO_MANY_IMAGES past the product's cap or its colour's (case-insensitive)."""
    images = ProductMedia.objects.filter(product=product)
    if images.count() >= settings.MEDIA_MAX_PER_PRODUCT:
        raise MediaError(
            MediaErrorCode.TOO_MANY_IMAGES,
            f"A product has at most {settings.MEDIA_MAX_PER_PRODUCT} images.",
            field="image",
        )
    if images.filter(colour__iexact=colour).count() >= settings.MEDIA_MAX_PER_COLOUR:
        raise MediaError(
            MediaErrorCode.TOO_MANY_IMAGES,
            f"A colour has at most {settings.MEDIA_MAX_PER_COLOUR} images.",
            field="colour",
        )


def renditions_enqueue(media_id: int) -> None:
    """Have the renditions of one image made after commit (once per image)."""
    from apps.catalog import tasks  # the task module imports this one
    from apps.jobs.outbox import job_enqueue

    job_enqueue(
        tasks.media_renditions_make_task,
        key=f"media-renditions:{media_id}",
        media_id=media_id,
    )


def renditions_make(*, media_id: int) -> int:
    """Make the missing renditions of one image; return how many were made.

    Idempotent: a rendition already stored (same hash, width and format) is
    reused, so a retried or duplicated job writes nothing twice.
    """
    media = ProductMedia.objects.filter(pk=media_id).first()
    if media is None:
        return 0  # deleted meanwhile: nothing to do
    stored = StoredImage(
        name=_name(media.original),
        content_hash=media.content_hash,
        width=media.width,
        height=media.height,
    )
    renditions, made = renditions_store(stored)
    # One statement: a concurrent reorder or alt edit is not overwritten.
    ProductMedia.objects.filter(pk=media.pk).update(renditions=renditions)
    return made


def renditions_store(stored: StoredImage) -> tuple[dict[str, dict[str, str]], int]:
    """Store every rendition of an original (skipping stored ones).

    Returns the renditions by format and width, and how many were new.
    """
    renditions: dict[str, dict[str, str]] = {
        fmt.value: {
            str(width): f"products/{stored.content_hash}/{width}.{fmt.value}"
            for width in _widths(stored.width)
        }
        for fmt in ImageFormat
    }
    missing = [
        (fmt, int(width), name)
        for fmt in ImageFormat
        for width, name in renditions[fmt.value].items()
        if not default_storage.exists(name)
    ]
    if missing:  # else nothing to decode: every size is stored already
        with default_storage.open(stored.name, "rb") as stream:
            source = Image.open(stream)
            source.load()
        for fmt, width, name in missing:
            _store(name, _encoded(_resized(source, width), fmt.value))
    return renditions, len(missing)


def media_url(
    row: Any, *, width: int | None = None, fmt: ImageFormat | None = None
) -> str:
    """The URL of the ready rendition nearest `width` (at least it, if any is).

    `row` has `original` (a storage name) and `renditions`. No width: the
    largest ready one. No rendition ready yet: the original.
    """
    fmt = fmt or ImageFormat.WEBP
    ready: Mapping[str, str] = (row.renditions or {}).get(fmt.value, {})
    if not ready:
        return str(default_storage.url(_name(row.original)))
    widths = sorted(int(w) for w in ready)
    wanted = width or widths[-1]
    chosen = next((w for w in widths if w >= wanted), widths[-1])
    return str(default_storage.url(ready[str(chosen)]))


def _name(original: Any) -> str:
    return str(getattr(original, "name", original))


def _text_check(upload: Upload) -> None:
    if len(upload.alt) > ALT_MAX_LENGTH or "\x00" in upload.alt:
        raise MediaError(
            MediaErrorCode.INVALID_ALT,
            f"At most {ALT_MAX_LENGTH} characters, no NUL.",
            field="alt",
        )
    if len(upload.colour) > COLOUR_MAX_LENGTH or "\x00" in upload.colour:
        raise MediaError(
            MediaErrorCode.INVALID_COLOUR,
            f"At most {COLOUR_MAX_LENGTH} characters, no NUL.",
            field="colour",
        )


def _decoded(data: bytes) -> tuple[Image.Image, str]:
    """Open the image, refusing what is not one, not accepted, or too large."""
    try:
        with warnings.catch_warnings():
            # Our own bound comes first; Pillow's bomb warning is for others.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            kind = _ACCEPTED.get(image.format or "")
            if kind is None:
                raise MediaError(
                    MediaErrorCode.UNSUPPORTED_TYPE,
                    "Upload a JPEG, PNG or WebP image.",
                    field="image",
                )
            # Read from the header: nothing is decoded before this check.
            if image.width * image.height >= settings.MEDIA_MAX_PIXELS:
                raise MediaError(
                    MediaErrorCode.IMAGE_TOO_LARGE,
                    f"{image.width} x {image.height} pixels: under "
                    f"{settings.MEDIA_MAX_PIXELS // 1_000_000} megapixels, please.",
                    field="image",
                )
            image.load()
    except Image.DecompressionBombError:  # past twice Pillow's own bound
        raise MediaError(
            MediaErrorCode.IMAGE_TOO_LARGE,
            f"Under {settings.MEDIA_MAX_PIXELS // 1_000_000} megapixels, please.",
            field="image",
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise MediaError(
            MediaErrorCode.NOT_AN_IMAGE,
            "This file is not an image (or it is damaged).",
            field="image",
        ) from None
    return ImageOps.exif_transpose(image), kind


def _encoded(image: Image.Image, kind: str) -> bytes:
    """Encode without metadata: no EXIF, XMP or ICC comments are carried over."""
    pillow_format, options = _SAVE[kind]
    if kind == "jpeg" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    out = io.BytesIO()
    image.save(out, pillow_format, **options)
    return out.getvalue()


def _widths(original_width: int) -> list[int]:
    """The configured widths up to the original's (never upscaled), at least one."""
    widths = [w for w in settings.MEDIA_RENDITION_WIDTHS if w <= original_width]
    return widths or [original_width]


def _resized(image: Image.Image, width: int) -> Image.Image:
    if image.width == width:
        return image
    height = max(1, round(image.height * width / image.width))
    return image.resize((width, height), Image.Resampling.LANCZOS)


def _store(name: str, body: bytes) -> str:
    """Save under `name` (content-addressed: an existing file is the same bytes)."""
    if default_storage.exists(name):
        return name
    saved: str = default_storage.save(name, ContentFile(body))
    return saved
