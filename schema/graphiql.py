"""GraphiQL's JS and CSS, served from node_modules by the app itself.

The page (schema/templates/graphql/graphiql.html) must work with no internet,
so nothing comes from a CDN: package.json pins the versions and this view
serves a fixed list of their files, nothing else under node_modules.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse

# name in URL -> (path under node_modules, content type); nothing else is served.
ASSETS = {
    "react.js": ("react/umd/react.production.min.js", "text/javascript"),
    "react-dom.js": ("react-dom/umd/react-dom.production.min.js", "text/javascript"),
    "graphiql.js": ("graphiql/graphiql.min.js", "text/javascript"),
    "graphiql.css": ("graphiql/graphiql.min.css", "text/css"),
}

# The files only change with `npm ci`, which means a new deploy: read each once.
_cache: dict[Path, bytes] = {}


async def graphiql_asset(request: HttpRequest, name: str) -> HttpResponse:
    """Serve one whitelisted GraphiQL asset, cacheable for a day."""
    if name not in ASSETS or not settings.GRAPHQL_IDE:
        raise Http404
    relative, content_type = ASSETS[name]
    path = settings.NODE_MODULES_DIR / relative
    content = _cache.get(path)
    if content is None:
        try:
            content = await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError:
            raise Http404 from None
        _cache[path] = content
    response = HttpResponse(content, content_type=f"{content_type}; charset=utf-8")
    response["Cache-Control"] = "public, max-age=86400"
    return response
