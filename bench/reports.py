"""Benchmark: the live sales report over a year of orders, and its SQL plans.

Seeds (or reuses) a PostgreSQL database with `seed_demo --orders N`, then
times `salesReport` for the last 12 months grouped by day through the real
GraphQL view (Django's test client, in-process), alternating with a baseline
`{ __typename }` request, and prints p50/p95 for both, the SQL queries the
report runs, and `EXPLAIN ANALYZE` of each.

    uv run python -m bench.reports                       # 100,000 orders
    uv run python -m bench.reports --orders 100000 --runs 60 --skip-seed
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
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERY = """query ($from: Date!, $to: Date!) {
  salesReport(from: $from, to: $to, groupBy: DAY, currency: "USD") {
    ordersCount grossRevenue refunds netRevenue averageOrderValue unitsSold
    series { bucket ordersCount grossRevenue netRevenue unitsSold }
    topProducts { product { name } unitsSold revenue }
    topVariants { productName size colour unitsSold revenue }
    topCategories { category { name } revenue }
  }
}"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--database", default="fashionistar_bench_reports")
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
    }
    os.environ.update(env)
    if not args.skip_seed:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "seed_demo",
                "--products",
                "2000",
                "--orders",
                str(args.orders),
                "--no-progress",
            ],
            cwd=ROOT,
            env=env,
            check=True,
        )
    import django

    django.setup()
    measure(args)


def measure(args: argparse.Namespace) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from apps.accounts.models import User
    from apps.orders.models import Order

    staff, _ = User.objects.get_or_create(
        email="bench-staff@example.com", defaults={"is_staff": True}
    )
    client = Client()
    client.force_login(staff)
    today = timezone.now().date()
    variables = {"from": str(today - timedelta(days=365)), "to": str(today)}
    report = json.dumps({"query": QUERY, "variables": variables})
    baseline = json.dumps({"query": "{ __typename }"})

    def post(body: str) -> float:
        started = time.perf_counter()
        response = client.post(
            "/graphql/",
            body,
            content_type="application/json",
            headers={"Accept": "application/json"},
        )
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200 or "errors" in response.json():
            raise RuntimeError(response.content[:300])
        return elapsed

    for _ in range(3):  # warm up
        post(report)
        post(baseline)
    timings: dict[str, list[float]] = {"report": [], "baseline": []}
    for _ in range(args.runs):
        timings["report"].append(post(report))
        timings["baseline"].append(post(baseline))
    with CaptureQueriesContext(connection) as captured:
        post(report)
    plans = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS OFF) " + sql)
            plans.append((sql, "\n".join(row[0] for row in cursor.fetchall())))

    def pct(values: list[float], q: float) -> float:
        return sorted(values)[min(len(values) - 1, int(q * len(values)))]

    orders = Order.objects.count()
    print(
        f"# {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}, {platform.node()}, "
        f"{os.cpu_count()} CPUs, PostgreSQL, {orders} orders, {args.runs} runs each, in-process"
    )
    print("| request | p50 | p95 |")
    print("|---|---|---|")
    for name in ("report", "baseline"):
        p50, p95 = statistics.median(timings[name]), pct(timings[name], 0.95)
        print(f"| {name} | {p50:.1f} ms | {p95:.1f} ms |")
    ratio = pct(timings["report"], 0.95) / pct(timings["baseline"], 0.95)
    queries = len(captured.captured_queries)
    print(f"report / baseline p95: {ratio:.1f}x; SQL queries per report: {queries}")
    for sql, plan in plans:
        print(
            "\n```sql\n"
            + sql[:600]
            + ("..." if len(sql) > 600 else "")
            + "\n```\n```\n"
            + plan
            + "\n```"
        )


if __name__ == "__main__":
    main()
