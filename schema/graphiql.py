"""GraphiQL's JS and CSS, served from node_modules by the app itself."""

from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest

# name in URL -> path under node_modules; nothing else is ever served.
ASSETS = {
    "react.js": "react/umd/react.production.min.js",
    "react-dom.js": "react-dom/umd/react-dom.production.min.js",
    "graphiql.js": "graphiql/graphiql.min.js",
    "graphiql.css": "graphiql/graphiql.min.css",
}


async def graphiql_asset(request: HttpRequest, name: str) -> FileResponse:
    """Serve one whitelisted GraphiQL asset, cacheable for a day."""
    relative = ASSETS.get(name)
    if relative is None or not settings.GRAPHQL_IDE:
        raise Http404
    path = settings.NODE_MODULES_DIR / relative
    if not path.is_file():
        raise Http404
    response = FileResponse(path.open("rb"))
    response["Cache-Control"] = "public, max-age=86400"
    return response
