"""Opaque bearer tokens and signed email-verification tokens.

Bearer tokens are 256 random bits with a kind prefix; only their SHA-256 is
stored. A fast hash is enough for random secrets (nothing to brute-force), and
it lets the database find a token by an indexed equality lookup.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from django.core import signing

from apps.accounts.models import ApiToken

PREFIXES = {ApiToken.Kind.ACCESS: "fsa_", ApiToken.Kind.REFRESH: "fsr_"}
_VERIFICATION_SALT = "apps.accounts.email-verification"


def token_generate(kind: ApiToken.Kind) -> str:
    """Return a new random token of `kind`, shown to the client once."""
    return PREFIXES[kind] + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """Return the hex SHA-256 that is stored in place of `token`."""
    return hashlib.sha256(token.encode()).hexdigest()


def token_kind(token: str) -> ApiToken.Kind | None:
    """Return the kind a token's prefix claims, or None for a foreign string."""
    for kind, prefix in PREFIXES.items():
        if token.startswith(prefix):
            return kind
    return None


def digests_match(token: str, digest: str) -> bool:
    """Compare a token with a stored digest in constant time."""
    return hmac.compare_digest(token_digest(token), digest)


def verification_token_make(*, user_id: int, email: str, now: datetime) -> str:
    """Return a signed token proving the holder received mail sent to `email`.

    It binds the address, so changing the email invalidates old links.
    """
    payload = {"u": user_id, "e": email, "t": int(now.timestamp())}
    return signing.dumps(payload, salt=_VERIFICATION_SALT, compress=True)


def verification_token_read(token: str) -> tuple[int, str, int] | None:
    """Return (user id, email, issued-at seconds), or None if not ours."""
    try:
        payload = signing.loads(token, salt=_VERIFICATION_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict):
        return None
    user_id, email, issued = payload.get("u"), payload.get("e"), payload.get("t")
    if (
        not isinstance(user_id, int)
        or not isinstance(email, str)
        or not isinstance(issued, int)
    ):
        return None
    return user_id, email, issued
