"""Security headers and cookies: strict unless DEBUG is on."""

from config import env

_secure = not env.debug()

SECURE_SSL_REDIRECT = env.secure_ssl_redirect()
# Health probes come over plain HTTP from inside the cluster.
SECURE_REDIRECT_EXEMPT = [r"^health/"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31_536_000 if _secure else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _secure
SECURE_HSTS_PRELOAD = _secure
SESSION_COOKIE_SECURE = _secure
CSRF_COOKIE_SECURE = _secure
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Browser access from storefronts on other origins (django-cors-headers), for
# /graphql/ only: webhooks are server-to-server and the admin is same-origin.
CORS_ALLOWED_ORIGINS = env.cors_allowed_origins()
CORS_URLS_REGEX = r"^/graphql/$"
CORS_ALLOW_METHODS = ("GET", "POST", "OPTIONS")
CORS_ALLOW_HEADERS = ("authorization", "content-type", "x-request-id")
# Lets a storefront read the id to quote in a support request.
CORS_EXPOSE_HEADERS = ("X-Request-ID",)
# Bearer tokens, not cookies: a cross-origin call never carries the session.
CORS_ALLOW_CREDENTIALS = False
