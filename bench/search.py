"""Benchmark: ranked full-text search and suggestions against the substring filter.

Seeds (or reuses) a PostgreSQL database with `seed_demo --products N`
(100,000 by default), then in one process, rounds alternating, times:

- **substring**: what `filter: {search}` ran before full-text search, a
  case-insensitive substring of name, brand or description (served by the
  trigram indexes of migration 0002), a first page of 24 by name, and its count;
- **ranked**: today's `ProductSearch` with the same text: typo correction,
  the `@@` match on the GIN-indexed vector, a page of 24 by relevance, and
  its count;
- **suggest-substring** and **suggest**: the first 5 products whose name
  contains the typed prefix, against `search_suggestions` (products,
  categories, brands and collections, four queries);
- **graphql-ranked** and **graphql-suggest**: both through the real
  GraphQL view (Django's test client), next to `{ __typename }`.

It prints p50/p95 for each and the ratios, then `EXPLAIN ANALYZE` of one
ranked search.

    uv run python -m bench.search                          # 100,000 products
    uv run python -m bench.search --skip-seed --rounds 30
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TERMS = ("dress", "linen shirt", "leather boots", "drses", "cashmere", "sneakers")
PREFIXES = ("dre", "lin", "sne", "cas", "bo", "trench co")
PAGE = 24
RANKED_QUERY = """query ($search: String!) {
  products(first: 24, filter: {search: $search}) {
    totalCount edges { node { name brand } }
  }
}"""
SUGGEST_QUERY = """query ($query: String!) {
  searchSuggestions(query: $query, first: 5) {
    products { name } categories { name } brands { name } collections { name }
  }
}"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--database", default="fashionistar_bench_search")
    parser.add_argument("--skip-seed", action="store_true")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    from bench.run import ensure_database

    database_url = ensure_database(args.database)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "WARNING",
        "TASKS_BACKEND": "immediate",
        "ALLOWED_HOSTS": "testserver,localhost",
        # One process asks thousands of times: no cost throttle in the way.
        "GRAPHQL_COST_BUCKET_RESTORE_RATE": "1000000",
    }
    os.environ.update(env)
    if not args.skip_seed:
        for command in (
            ["migrate", "-v0"],
            ["seed_demo", "--products", str(args.products), "--no-progress"],
        ):
            subprocess.run(
                [sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True
            )
    import django

    django.setup()
    vacuum()
    measure(args)


def vacuum() -> None:
    """VACUUM ANALYZE the products: a bulk load leaves dead row versions.

    The search triggers rewrite each new product when its variants and
    attributes arrive, so a fresh load holds about three versions of every
    row until autovacuum runs. Measured on 100,000 products: ranked search
    p95 127.5 ms before, 44 to 75 ms after.
    """
    from django.db import connection

    from apps.catalog import models

    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {models.Product._meta.db_table}")


def _substring_page(text: str) -> None:
    from django.db.models import Q

    from apps.catalog import models
    from apps.catalog.selectors import PRODUCT_COLUMNS

    matching = models.Product.objects.filter(
        Q(is_published=True)
        & (
            Q(name__icontains=text)
            | Q(brand__icontains=text)
            | Q(description__icontains=text)
        )
    )
    list(matching.order_by("name", "id").values(*PRODUCT_COLUMNS)[:PAGE])
    matching.count()


def _ranked_page(text: str) -> None:
    from apps.catalog.filters import ProductFilter, ProductSort
    from apps.catalog.selectors import ProductSearch
    from apps.core.pagination import Window

    found = ProductSearch(ProductFilter(search=text))
    found.page(sort=ProductSort.RELEVANCE, window=Window(first=PAGE))
    found.count()


def _substring_suggest(text: str) -> None:
    from apps.catalog import models

    list(
        models.Product.objects.filter(is_published=True, name__icontains=text)
        .order_by("name", "id")
        .values("id", "name")[:5]
    )


def _suggest(text: str) -> None:
    from apps.catalog.suggestions import search_suggestions

    search_suggestions(text=text, first=5)


def measure(args: argparse.Namespace) -> None:
    from django.db import connection
    from django.test import Client

    from apps.catalog import models

    client = Client()

    def graphql(query: str, variables: dict[str, str]) -> None:
        body = json.dumps({"query": query, "variables": variables})
        response = client.post(
            "/graphql/",
            body,
            content_type="application/json",
            headers={"Accept": "application/json"},
        )
        if response.status_code != 200 or "errors" in response.json():
            raise RuntimeError(response.content[:300])

    cases: dict[str, tuple[tuple[str, ...], Callable[[str], None]]] = {
        "substring": (TERMS, _substring_page),
        "ranked": (TERMS, _ranked_page),
        "suggest-substring": (PREFIXES, _substring_suggest),
        "suggest": (PREFIXES, _suggest),
        "graphql-typename": (("",), lambda _: graphql("{ __typename }", {})),
        "graphql-ranked": (TERMS, lambda t: graphql(RANKED_QUERY, {"search": t})),
        "graphql-suggest": (
            PREFIXES,
            lambda t: graphql(SUGGEST_QUERY, {"query": t}),
        ),
    }
    timings: dict[str, list[float]] = {name: [] for name in cases}
    for round_ in range(args.rounds + 1):  # round 0 warms up
        for name, (inputs, run) in cases.items():
            for text in inputs:
                started = time.perf_counter()
                run(text)
                if round_:
                    timings[name].append((time.perf_counter() - started) * 1000)

    def pct(values: list[float], q: float) -> float:
        return sorted(values)[min(len(values) - 1, int(q * len(values)))]

    products = models.Product.objects.count()
    print(
        f"# {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}, {platform.node()}, "
        f"{os.cpu_count()} CPUs, PostgreSQL, {products} products, "
        f"{args.rounds} rounds of {len(TERMS)} texts each, in-process"
    )
    print("| case | p50 | p95 |")
    print("|---|---|---|")
    for name, values in timings.items():
        print(
            f"| {name} | {statistics.median(values):.1f} ms | {pct(values, 0.95):.1f} ms |"
        )
    for a, b in (
        ("ranked", "substring"),
        ("suggest", "suggest-substring"),
        ("graphql-ranked", "graphql-typename"),
        ("graphql-suggest", "graphql-typename"),
    ):
        print(f"{a} / {b} p95: {pct(timings[a], 0.95) / pct(timings[b], 0.95):.2f}x")
    from apps.catalog import search
    from apps.catalog.filters import ProductFilter
    from apps.catalog.selectors import PRODUCT_COLUMNS, ProductSearch

    ranked = (
        ProductSearch(ProductFilter(search="linen shirt"))
        .queryset()
        .order_by("-search_rank", "-id")
        .values(*PRODUCT_COLUMNS)[:PAGE]
    )
    sql, params = ranked.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS OFF) " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    print(f"\nfull text: {search.full_text()}\n```\n{plan}\n```")


if __name__ == "__main__":
    main()
