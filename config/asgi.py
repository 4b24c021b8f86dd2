"""ASGI entry point: Django behind a request-body cap and deadline, then a queue."""

import gc
import os

from django.core import checks
from django.core.asgi import get_asgi_application
from django.core.management.base import SystemCheckError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

django_application = get_asgi_application()

# Granian, unlike runserver, runs no system checks. These would otherwise
# fail only at the first request (a bad trusted-documents manifest), so a
# worker that fails them exits at once, printing them.
_failed = [m for m in checks.run_checks(tags=["graphql"]) if m.is_serious()]
if _failed:
    raise SystemCheckError("\n".join(map(str, _failed)))

from config.admission import Admission  # noqa: E402
from config.body_limit import ASGIApp, BodyLimits  # noqa: E402

# The body arrives first (its deadline is the client's), then the request
# waits for a work slot: a queued request holds no connection, no thread.
application: ASGIApp = BodyLimits(Admission(django_application))  # type: ignore[arg-type]

from apps.core.telemetry import tracing_enabled  # noqa: E402

if tracing_enabled():
    from config.tracing import server_spans

    # Outermost, so the server span covers the wait in line and refusals.
    application = server_spans(application)

# Everything loaded so far (Django, the schema, the URL conf) lives as long as
# the process. Freezing it keeps the collector from scanning it again on every
# full collection, which took about 0.1 s a time on this heap
# (docs/benchmarks.md "Floor"); objects made by requests are collected as usual.
gc.freeze()
