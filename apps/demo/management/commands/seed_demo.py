from __future__ import annotations

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from tqdm import tqdm

from apps.catalog import models
from apps.core import cache_tags
from apps.demo.catalog import demo_catalog_seed
from apps.demo.collections import demo_collections_seed
from apps.demo.history import demo_orders_seed
from apps.demo.media import demo_media_seed
from apps.demo.pricing import demo_pricing_seed
from apps.reports.rollups import rollups_rebuild


class Command(BaseCommand):
    help = (
        "Create a deterministic demo fashion catalog. Safe to re-run: existing "
        "demo products are kept and only missing ones are added."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--products",
            type=int,
            default=2000,
            help="How many demo products the catalog should hold (default: 2000).",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=42,
            help="Selects the catalog: the same seed gives identical data (default: 42).",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when any product exists.",
        )
        parser.add_argument(
            "--orders",
            type=int,
            default=0,
            help="Also create a year of demo order history, this many orders "
            "(paid, fulfilled, cancelled, refunded), then rebuild the sales roll-ups.",
        )
        parser.add_argument(
            "--no-progress",
            action="store_true",
            help="Hide the progress bar (hidden anyway when stderr is not a terminal).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        products: int = options["products"]
        seed: int = options["seed"]
        if products < 0 or seed < 0:
            msg = "--products and --seed must be zero or more."
            raise CommandError(msg)
        if options["orders"] < 0:
            raise CommandError("--orders must be zero or more.")
        if options["if_empty"] and models.Product.objects.exists():
            self.stdout.write("Products exist, so the demo catalog was not seeded.")
            return

        started = time.perf_counter()
        # disable=None lets tqdm hide the bar when stderr is not a terminal.
        with tqdm(
            total=products,
            desc="Seeding demo catalog",
            unit=" products",
            file=sys.stderr,
            disable=True if options["no_progress"] else None,
        ) as bar:
            result = demo_catalog_seed(
                products=products, seed=seed, progress=bar.update
            )
        shipping_and_tax = demo_pricing_seed()
        images = demo_media_seed()
        collections = demo_collections_seed()
        elapsed = time.perf_counter() - started
        # Bulk inserts send no signals: stale every cached catalog read at once.
        cache_tags.bump(cache_tags.CATALOG, cache_tags.CATEGORIES)

        self.stdout.write(
            self.style.SUCCESS(
                f"Demo catalog (seed {seed}): {result.products_created} products "
                f"with {result.variants_created} variants created, "
                f"{result.products_existing} already present, "
                f"{result.categories_created} categories created, "
                f"{shipping_and_tax} shipping and tax rows added, "
                f"{images} product images drawn, "
                f"{collections} collections added, "
                f"in {elapsed:.1f}s."
            )
        )
        if options["orders"]:
            self._orders(options["orders"], seed, no_progress=options["no_progress"])

    def _orders(self, orders: int, seed: int, *, no_progress: bool) -> None:
        started = time.perf_counter()
        with tqdm(
            total=orders,
            desc="Seeding order history",
            unit=" orders",
            file=sys.stderr,
            disable=True if no_progress else None,
        ) as bar:
            result = demo_orders_seed(
                orders=orders, seed=seed, now=timezone.now(), progress=bar.update
            )
        days = rollups_rebuild()
        self.stdout.write(
            self.style.SUCCESS(
                f"Order history (seed {seed}): {result.created} orders created, "
                f"{result.existing} already present; {days} days of sales "
                f"roll-ups rebuilt, in {time.perf_counter() - started:.1f}s."
            )
        )
