"""ASGI entry point: Django behind a streaming request-body cap."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

django_application = get_asgi_application()

from config.body_limit import BodySizeLimit  # noqa: E402

application = BodySizeLimit(django_application)  # type: ignore[arg-type]
