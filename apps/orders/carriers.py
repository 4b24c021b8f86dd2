"""Carriers and tracking numbers: what a fulfilment accepts, and its link.

Tracking pages exist for the carriers below; any other carrier name that
passes the checks is accepted and stored as given, and its orders simply
have no tracking link (the email shows the number and the carrier).
"""

from __future__ import annotations

import re
from urllib.parse import quote

from apps.orders.errors import ErrorDetail, OrderErrorCode

TRACKING_NUMBER_MAX_LENGTH = 40
CARRIER_MAX_LENGTH = 50

# Letters, digits and hyphens (UPS 1Z..., Royal Mail AB123456789GB, DHL
# digits); spaces people paste from labels are dropped before the check.
_TRACKING_NUMBER = re.compile(rf"[A-Z0-9-]{{4,{TRACKING_NUMBER_MAX_LENGTH}}}")
# A name: starts with a letter or digit; then letters, digits, spaces, . & ' -
_CARRIER = re.compile(rf"[A-Za-z0-9][A-Za-z0-9 .&'-]{{1,{CARRIER_MAX_LENGTH - 1}}}")

# canonical name -> tracking page, `{number}` URL-quoted
TRACKING_URLS = {
    "DHL": (
        "https://www.dhl.com/global-en/home/tracking/tracking-express.html"
        "?submit=1&tracking-id={number}"
    ),
    "FedEx": "https://www.fedex.com/fedextrack/?trknbr={number}",
    "Royal Mail": "https://www.royalmail.com/track-your-item#/tracking-results/{number}",
    "UPS": "https://www.ups.com/track?tracknum={number}",
    "USPS": "https://tools.usps.com/go/TrackConfirmAction?tLabels={number}",
}
_CANONICAL = {name.casefold(): name for name in TRACKING_URLS}


def tracking_number_normalised(number: str) -> str:
    """Return the number in capitals, without the spaces of a printed label."""
    return "".join(number.split()).upper()


def carrier_normalised(carrier: str) -> str:
    """Return a known carrier's canonical name (`dhl` -> `DHL`), else trimmed."""
    name = " ".join(carrier.split())
    return _CANONICAL.get(name.casefold(), name)


def shipment_problems(*, tracking_number: str, carrier: str) -> list[ErrorDetail]:
    """Check normalised values; never echo them (they may be anything)."""
    details = []
    if not _TRACKING_NUMBER.fullmatch(tracking_number):
        details.append(
            ErrorDetail(
                code=OrderErrorCode.INVALID_TRACKING_NUMBER,
                message=(
                    f"A tracking number is 4 to {TRACKING_NUMBER_MAX_LENGTH} "
                    "letters, digits or hyphens."
                ),
                field="tracking_number",
            )
        )
    if not _CARRIER.fullmatch(carrier):
        details.append(
            ErrorDetail(
                code=OrderErrorCode.INVALID_CARRIER,
                message=(
                    f"A carrier is 2 to {CARRIER_MAX_LENGTH} letters, digits, "
                    "spaces or . & ' -, starting with a letter or digit."
                ),
                field="carrier",
            )
        )
    return details


def tracking_url(*, carrier: str, tracking_number: str) -> str | None:
    """Return the carrier's tracking page for the number; None if unknown."""
    template = TRACKING_URLS.get(carrier)
    if template is None or not tracking_number:
        return None
    return template.format(number=quote(tracking_number, safe=""))
