"""`manage.py sales_rollups_rebuild`: recompute the sales roll-ups from orders."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.reports.rollups import rollups_rebuild


class Command(BaseCommand):
    help = (
        "Recompute the daily sales roll-ups from the orders: every day with "
        "paid orders, or the days from --from to --to (shop-local dates)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="start", type=date.fromisoformat)
        parser.add_argument("--to", dest="end", type=date.fromisoformat)

    def handle(
        self, *args: Any, start: date | None, end: date | None, **options: Any
    ) -> None:
        if (start is None) != (end is None):
            raise CommandError("Give both --from and --to, or neither.")
        days = None
        if start is not None and end is not None:
            if end < start:
                raise CommandError("--to is before --from.")
            days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
        count = rollups_rebuild(days)
        self.stdout.write(f"{count} day(s) of sales roll-ups recomputed.")
