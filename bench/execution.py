"""In-process A/B of the GraphQL execution paths, in CPU time, same run.

Runs the benchmark's products query through `schema.execute` (no HTTP, same
database) with graphql-core's stock execution context, with only the leaf
fast path, and with the full FastLeafExecutionContext, in alternating rounds.
Less noisy than the HTTP benchmark because it measures process CPU time.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fashionistar_bench \\
      uv run python -m bench.execution
"""

from __future__ import annotations

import os
import statistics
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
django.setup()

from asgiref.sync import async_to_sync  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext  # noqa: E402

from bench.run import QUERY  # noqa: E402
from schema.api import schema  # noqa: E402
from schema.context import Context  # noqa: E402
from schema.core.execution import FastLeafExecutionContext  # noqa: E402


class LeavesOnly(FastLeafExecutionContext):
    complete_object_value = StrawberryGraphQLCoreExecutionContext.complete_object_value
    complete_iterable_value = (
        StrawberryGraphQLCoreExecutionContext.complete_iterable_value
    )


CONTEXTS = {
    "graphql-core (stock)": StrawberryGraphQLCoreExecutionContext,
    "leaf fields inline": LeavesOnly,
    "leaf fields + leaf-only objects inline": FastLeafExecutionContext,
}


async def execute_once(factory: RequestFactory) -> None:
    context = Context(request=factory.post("/graphql/"), response=None, request_id=None)  # type: ignore[arg-type]
    result = await schema.execute(
        QUERY, variable_values={"first": 50}, context_value=context
    )
    assert not result.errors, result.errors


async def cpu_ms_per_execute(factory: RequestFactory, n: int) -> float:
    started = time.process_time()
    for _ in range(n):
        await execute_once(factory)
    return (time.process_time() - started) / n * 1000


def main() -> None:
    factory = RequestFactory()
    results: dict[str, list[float]] = {name: [] for name in CONTEXTS}
    for _ in range(5):
        for name, context_class in CONTEXTS.items():
            schema.execution_context_class = context_class
            async_to_sync(execute_once)(factory)
            results[name].append(async_to_sync(cpu_ms_per_execute)(factory, 60))
    stock = statistics.median(results["graphql-core (stock)"])
    for name, values in results.items():
        ms = statistics.median(values)
        sys.stdout.write(
            f"{name}: {ms:.1f} ms CPU per execute ({ms / stock:.2f}x stock)\n"
        )


if __name__ == "__main__":
    main()
