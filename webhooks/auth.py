"""Who is asking a plain HTTP request: the Authorization header, else the session.

The header is HTTP, so it is read here; its credentials are checked once,
in apps.accounts (`auser_for_bearer_credentials`). schema/http/auth.py applies the same
rule to GraphQL (schema/ and webhooks/ do not
import each other), and a test holds the two to the same answers.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from apps.accounts.models import User
from apps.accounts.selectors import auser_for_bearer_credentials


async def aviewer_for_request(request: HttpRequest) -> User | AnonymousUser:
    """Return the bearer token's user, else the session's.

    A request with an Authorization header is judged by it alone and never
    falls back to the session (a stolen cookie cannot stand in for a bad
    token).

    Raises:
        TokenError: INVALID_TOKEN (malformed header, unknown or revoked
            token), TOKEN_EXPIRED.
    """
    header = request.headers.get("Authorization")
    if header is None:
        return await request.auser()
    return await auser_for_bearer_credentials(credentials=header)
