"""Product images: what an upload must be, what is stored, renditions and URLs."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from apps.catalog import media
from apps.catalog.errors import MediaError
from apps.catalog.models import ProductMedia
from apps.jobs.models import Job
from tests.factories.catalog import ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _png(width: int = 800, height: int = 600) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 60)).save(out, "PNG")
    return out.getvalue()


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (400, 300), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    exif[0x8825] = {2: (51.0, 30.0, 0.0)}  # GPSInfo: latitude
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def _bomb_png(width: int, height: int) -> bytes:
    """A valid PNG header claiming width x height pixels, with almost no data."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def _upload(data: bytes, **extra: str) -> ProductMedia:
    product = ProductFactory.create()
    return media.media_upload(media.Upload(product_id=product.pk, data=data, **extra))


def test_an_upload_is_stored_under_its_content_hash_and_renditions_are_queued():
    stored = _upload(_png(), alt="Red dress, front")

    assert stored.original.name == f"products/{stored.content_hash}/original.png"
    assert (stored.width, stored.height) == (800, 600)
    assert default_storage.exists(stored.original.name)
    assert Job.objects.filter(key=f"media-renditions:{stored.pk}").count() == 1


def test_exif_is_stripped_from_what_is_stored():
    stored = _upload(_jpeg_with_gps())

    with default_storage.open(str(stored.original.name), "rb") as handle:
        kept = Image.open(handle)
        assert dict(kept.getexif()) == {}


def test_a_text_file_named_jpg_is_not_an_image():
    with pytest.raises(MediaError) as raised:
        _upload(b"hello, I am plain text\n" * 10)

    assert raised.value.code == "NOT_AN_IMAGE"
    assert not ProductMedia.objects.exists()


def test_a_gif_is_an_unsupported_type():
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "GIF")

    with pytest.raises(MediaError) as raised:
        _upload(out.getvalue())

    assert raised.value.code == "UNSUPPORTED_TYPE"


def test_a_sixty_megapixel_png_is_refused_before_it_is_decoded():
    with pytest.raises(MediaError) as raised:
        _upload(_bomb_png(10_000, 6_000))

    assert raised.value.code == "IMAGE_TOO_LARGE"
    assert not ProductMedia.objects.exists()


def test_just_under_sixty_megapixels_passes_the_size_check(settings):
    settings.MEDIA_MAX_PIXELS = 1000 * 1000

    stored = _upload(_png(999, 1000))

    assert stored.width * stored.height < settings.MEDIA_MAX_PIXELS


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.MEDIA_UPLOAD_MAX_BYTES = 1000

    with pytest.raises(MediaError) as raised:
        _upload(_png())

    assert raised.value.code == "FILE_TOO_LARGE"


def test_renditions_are_made_in_every_width_up_to_the_original_and_both_formats():
    stored = _upload(_png(800, 600))

    made = media.renditions_make(media_id=stored.pk)

    stored.refresh_from_db()
    assert made == 6  # 160, 320, 640 in WebP and JPEG; never upscaled to 1280
    assert sorted(stored.renditions["webp"], key=int) == ["160", "320", "640"]
    with default_storage.open(stored.renditions["webp"]["320"], "rb") as handle:
        small = Image.open(handle)
        assert (small.format, small.width, small.height) == ("WEBP", 320, 240)


def test_making_renditions_twice_writes_nothing_the_second_time():
    stored = _upload(_png(400, 300))
    media.renditions_make(media_id=stored.pk)

    assert media.renditions_make(media_id=stored.pk) == 0


def test_the_url_is_the_nearest_ready_rendition_at_least_as_wide():
    stored = _upload(_png(800, 600))
    media.renditions_make(media_id=stored.pk)
    stored.refresh_from_db()

    url = media.media_url(stored, width=300, fmt=media.ImageFormat.JPEG)

    assert url.endswith(f"products/{stored.content_hash}/320.jpeg")


def test_before_renditions_are_ready_the_url_is_the_original():
    stored = _upload(_png())

    assert media.media_url(stored, width=320).endswith("original.png")


def test_images_are_ordered_as_they_were_added():
    product = ProductFactory.create()
    first = media.media_upload(media.Upload(product_id=product.pk, data=_png()))
    second = media.media_upload(
        media.Upload(product_id=product.pk, data=_png(400, 400))
    )

    assert (first.sort_order, second.sort_order) == (0, 1)


def test_an_unknown_product_is_a_typed_error():
    with pytest.raises(MediaError) as raised:
        media.media_upload(media.Upload(product_id=999_999, data=_png()))

    assert raised.value.code == "PRODUCT_NOT_FOUND"


def test_a_four_hundred_megapixel_png_is_too_large_not_damaged():
    with pytest.raises(MediaError) as raised:
        _upload(_bomb_png(20_000, 20_000))

    assert raised.value.code == "IMAGE_TOO_LARGE"


def test_a_colour_holds_at_most_its_cap_of_images(settings):
    settings.MEDIA_MAX_PER_COLOUR = 2
    product = ProductFactory.create()
    for _ in range(2):
        media.media_upload(
            media.Upload(product_id=product.pk, data=_png(), colour="Red")
        )

    with pytest.raises(MediaError) as raised:
        media.media_upload(
            media.Upload(product_id=product.pk, data=_png(), colour="red")
        )

    assert (raised.value.code, raised.value.field) == ("TOO_MANY_IMAGES", "colour")


def test_an_unknown_product_stores_no_file(media_root):
    with pytest.raises(MediaError):
        media.media_upload(media.Upload(product_id=999_999, data=_png()))

    assert not list(media_root.rglob("*.png"))
