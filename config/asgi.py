"""ASGI entry point: Django behind a streaming request-body cap and deadline."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

django_application = get_asgi_application()

from config.body_limit import BodyLimits  # noqa: E402

application = BodyLimits(django_application)  # type: ignore[arg-type]
