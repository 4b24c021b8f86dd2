"""`manage.py payment_simulate REFERENCE succeeded|failed|refunded`.

Posts the provider's genuinely signed webhook for a payment to our own
endpoint, so a payment started with the simulated adapter can be completed
offline: the whole path (signature, storage, job, state change, email) runs.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import httpx
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.payments.models import Payment
from apps.payments.providers import simulated


class Command(BaseCommand):
    help = "Post a signed provider webhook about a payment to this server."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("reference", help="The payment's provider reference.")
        parser.add_argument("outcome", choices=simulated.outcomes())
        parser.add_argument(
            "--amount",
            help="Captured or refunded amount (default: the payment's amount).",
        )
        parser.add_argument(
            "--url",
            default=settings.SERVER_URL,
            help="The server to post to (default: %(default)s, from HOST/PORT).",
        )

    def handle(
        self,
        *args: Any,
        reference: str,
        outcome: str,
        amount: str | None,
        url: str,
        **options: Any,
    ) -> None:
        payment = Payment.objects.filter(reference=reference).first()
        if payment is None:
            msg = f"No payment has the reference {reference!r}."
            raise CommandError(msg)
        try:
            sent = simulated.delivery(payment, outcome, amount=_amount(amount))
        except simulated.SimulationError as error:
            raise CommandError(str(error)) from error
        try:
            response = httpx.post(
                f"{url.rstrip('/')}{sent.path}",
                content=sent.body,
                headers=sent.headers,
                timeout=10,
            )
        except httpx.HTTPError as error:
            msg = f"Could not post to {url}: {error}"
            raise CommandError(msg) from error
        self.stdout.write(
            f"{sent.event_type} -> {response.status_code} {response.text}"
        )
        if response.status_code != 200:
            raise CommandError("The server refused the event.")


def _amount(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise CommandError(f"Not an amount: {text!r}") from None
    if not value.is_finite() or value < 0:
        raise CommandError(f"Not an amount: {text!r}")
    return value
