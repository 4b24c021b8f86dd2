"""Webhook signature checks: Stripe through its library, Paystack by HMAC.

Stripe's `WebhookSignature.verify_header` does the crypto; it is wrapped
where it is lax: it accepts timestamps in the future, skips the age check
when no tolerance is passed, and raises UnicodeDecodeError on a non-UTF-8
body before looking at the signature. Here all three are refusals.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Sequence

import stripe

from apps.payments.errors import SignatureError


def stripe_verify(
    body: bytes,
    header: str | None,
    *,
    secrets: Sequence[str],
    tolerance: int,
    now: float | None = None,
) -> None:
    """Accept `body` only if signed by one of `secrets` within `tolerance` s.

    Several secrets are tried during a rotation (Stripe signs with each
    active one). The timestamp must be within `tolerance` seconds of now in
    either direction.

    Raises:
        SignatureError: missing or malformed header, no secret, bad
            signature, timestamp too old or in the future, body not UTF-8.
    """
    if not header:
        raise SignatureError("The Stripe-Signature header is missing.")
    if not secrets:
        raise SignatureError("No Stripe webhook secret is configured.")
    try:
        payload = body.decode("utf-8")
    except UnicodeDecodeError:
        raise SignatureError("The body is not UTF-8.") from None
    timestamp = _stripe_timestamp(header)
    skew = abs((now if now is not None else time.time()) - timestamp)
    if skew > tolerance:
        raise SignatureError("The signature timestamp is outside the tolerance.")
    for secret in secrets:
        try:
            stripe.WebhookSignature.verify_header(
                payload, header, secret, tolerance=tolerance
            )
        except stripe.SignatureVerificationError:
            continue
        return
    raise SignatureError("No signature matches.")


def _stripe_timestamp(header: str) -> int:
    for item in header.split(","):
        key, _, value = item.strip().partition("=")
        if key == "t" and value.isdigit() and len(value) <= 12:
            return int(value)
    raise SignatureError("The Stripe-Signature header has no timestamp.")


def stripe_sign(payload: str, secret: str, *, timestamp: int | None = None) -> str:
    """The Stripe-Signature header for `payload`: what Stripe sends (simulator)."""
    return str(
        stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp)
    )


def paystack_verify(body: bytes, header: str | None, *, secret: str) -> None:
    """Accept `body` only if `header` is its HMAC-SHA512 under `secret`.

    Computed over the raw bytes, never re-serialised JSON, and compared in
    constant time. Paystack signs no timestamp: replays are stopped by
    permanent deduplication of event ids, not here.

    Raises:
        SignatureError: missing header, no secret, or mismatch.
    """
    if not header:
        raise SignatureError("The x-paystack-signature header is missing.")
    if not secret:
        raise SignatureError("No Paystack secret key is configured.")
    expected = paystack_sign(body, secret).encode()
    # Bytes: compare_digest refuses non-ASCII text, which a forger may send.
    if not hmac.compare_digest(
        expected, header.strip().lower().encode("utf-8", "replace")
    ):
        raise SignatureError("The signature does not match.")


def paystack_sign(body: bytes, secret: str) -> str:
    """The x-paystack-signature of `body`: what Paystack sends (simulator)."""
    return hmac.new(secret.encode(), body, hashlib.sha512).hexdigest()
