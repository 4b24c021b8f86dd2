"""Product images: where files live, how big an upload may be, which sizes are made.

Files go through Django's storage API: the filesystem under MEDIA_ROOT by
default (served by the app at MEDIA_URL, docs/media.md), or any S3-compatible
bucket with MEDIA_STORAGE=s3 (django-storages), configured by the AWS_*
variables django-storages reads.
"""

from config import env
from config.env import BASE_DIR

MEDIA_ROOT = env.env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = env.env.str("MEDIA_URL", default="/media/")

# Renditions are named by their original's content hash: a URL never changes
# meaning, so browsers and CDNs may keep it for a year.
MEDIA_CACHE_CONTROL = "public, max-age=31536000, immutable"

_STATIC = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
if env.env.str("MEDIA_STORAGE", default="filesystem") == "s3":
    STORAGES = {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "object_parameters": {"CacheControl": MEDIA_CACHE_CONTROL},
                # Objects are public renditions; no signed, expiring URLs.
                "querystring_auth": False,
                "file_overwrite": False,
            },
        },
        "staticfiles": _STATIC,
    }
else:
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": _STATIC,
    }

# An upload larger than this is refused (FILE_TOO_LARGE) before it is decoded.
MEDIA_UPLOAD_MAX_BYTES = env.env.int("MEDIA_UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)
# Images of this many pixels or more are refused (IMAGE_TOO_LARGE): a
# decompression bomb is a small file that decodes into gigabytes.
MEDIA_MAX_PIXELS = 60_000_000
# Widths made for every image, each in WebP and JPEG, by a background job.
MEDIA_RENDITION_WIDTHS = (160, 320, 640, 1280)
# Images per product (ordered), across its colours, and per colour (a
# variant's gallery; the images for every colour count as one more colour).
MEDIA_MAX_PER_PRODUCT = 30
MEDIA_MAX_PER_COLOUR = 10
