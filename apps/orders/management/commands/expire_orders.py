from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from apps.orders import services


class Command(BaseCommand):
    help = "Cancel unpaid orders past their expiry and return their stock."

    def handle(self, *args: Any, **options: Any) -> None:
        expired = services.orders_expire(now=timezone.now())
        self.stdout.write(f"Expired {len(expired)} order(s).")
