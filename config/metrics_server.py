"""`python -m config.metrics_server`: /metrics for processes that serve no HTTP.

Job workers and the beat write their samples to PROMETHEUS_MULTIPROC_DIR;
in a pod of their own nobody would read them. deploy/worker starts this
beside them when `METRICS_PORT` is set: the same exposition and the same
rule as the web's /metrics (loopback, or `METRICS_TOKEN` as a bearer token;
404 otherwise), on a port of its own: config/metrics.py's exposition behind
that check, served by the standard library's WSGI server, since a scrape
every few seconds needs nothing more.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

import django

StartResponse = Callable[..., Any]


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass  # one line per scrape would drown the workers' logs


def main() -> None:
    """Serve /metrics on METRICS_HOST:METRICS_PORT until killed."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    django.setup()
    from django.conf import settings

    from config.errors import NOT_FOUND_BODY
    from config.metrics import allowed, exposition

    not_found = json.dumps(NOT_FOUND_BODY).encode()

    token = settings.METRICS_TOKEN

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        caller = environ.get("REMOTE_ADDR", "")
        authorization = environ.get("HTTP_AUTHORIZATION", "")
        if environ.get("PATH_INFO") != "/metrics" or not allowed(
            caller, authorization, token
        ):
            start_response("404 Not Found", [("Content-Type", "application/json")])
            return [not_found]
        body, content_type = exposition()
        start_response("200 OK", [("Content-Type", content_type)])
        return [body]

    host = os.environ.get("METRICS_HOST", "0.0.0.0")  # noqa: S104 - the pod's own port
    port = int(os.environ["METRICS_PORT"])
    with make_server(host, port, app, handler_class=_Quiet) as server:
        server.serve_forever()


if __name__ == "__main__":
    main()
